using System.Text.Json;
using RegistryClient.Http;
using RegistryClient.Model;
using RegistryClient.Reconciliation;

namespace RegistryClient.Tests.Reconciliation;

/// <summary>Local cases and registry receipts for reconciliation tests, built from the valid samples.</summary>
internal static class ReconciliationData
{
    public static readonly DateTime Procedure = new(2024, 1, 17);

    /// <summary>
    /// Sample 01 (RJ1) as a case of its own: every date of the episode moved so that the procedure falls on
    /// <paramref name="procedure"/> (<see cref="Procedure"/> by default), with only the <paramref name="recorded"/>
    /// follow-ups, each 30 days after the procedure.
    /// </summary>
    public static Submission Case(string localRecordId, DateTime? procedure = null, params FollowUpTimepoint[] recorded)
    {
        var template = JsonSerializer.Deserialize(File.ReadAllBytes(Samples.ValidFiles.First()), RegistryJsonContext.Default.Submission)!;
        var date = procedure ?? Procedure;
        var shift = date - template.Procedure.ProcedureDate;
        DateTime Move(DateTime d) => shift > TimeSpan.Zero && d > DateTime.MaxValue - shift ? DateTime.MaxValue.Date
            : shift < TimeSpan.Zero && d < DateTime.MinValue - shift ? DateTime.MinValue : d + shift;
        var followUps = template.FollowUps!.ToDictionary(f => f.Timepoint);
        return template with
        {
            LocalRecordId = localRecordId,
            Presentation = template.Presentation with { SymptomOnsetDate = Move(template.Presentation.SymptomOnsetDate), DiagnosisDate = Move(template.Presentation.DiagnosisDate) },
            Procedure = template.Procedure with { ProcedureDate = date },
            Outcome = template.Outcome! with
            {
                DischargeDate = Move(template.Outcome.DischargeDate),
                Complications = template.Outcome.Complications.Select(c => c with { OnsetDate = Move(c.OnsetDate) }).ToList(),
            },
            FollowUps = recorded.Length == 0 ? null : recorded.Select(t => followUps[t] with { AssessmentDate = Move(template.Outcome.DischargeDate) }).ToList(),
        };
    }

    public static Submission WithDeath(Submission submission, DateTime onset) => submission with
    {
        Outcome = submission.Outcome! with
        {
            Complications = [new Complication { Type = ComplicationType.Death, OnsetDate = onset, Severity = ComplicationSeverity.Major }],
        },
    };

    public static SubmissionReceipt Receipt(string localRecordId, string contentHash, int version = 1, CaseStatus status = CaseStatus.Accepted, string organisation = "RJ1") =>
        RegistryModelFactory.SubmissionReceipt(
            id: "case-" + localRecordId,
            organisationCode: organisation,
            localRecordId: localRecordId,
            status: status,
            version: version,
            contentHash: status == CaseStatus.Withdrawn ? "" : contentHash,
            receivedAt: new DateTimeOffset(2024, 2, 1, 9, 0, 0, TimeSpan.Zero),
            updatedAt: new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero),
            withdrawal: status == CaseStatus.Withdrawn ? new CaseWithdrawal { Reason = WithdrawalReason.ConsentWithdrawn, At = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero) } : null);

    public static SubmissionReceipt ReceiptOf(Submission submission, int version = 1) => Receipt(submission.LocalRecordId, SubmissionContentHash.Compute(submission), version);

    /// <summary>
    /// One local list and one registry that together hold every state: matched (A); behind (B: the local record gained
    /// its 30-day follow-up after the registry's version 1; F: the case was amended on the registry, to version 2,
    /// since the local extract was taken); missing (C); withdrawn (D); and a registry-only case (E).
    /// </summary>
    public static (List<Submission> Local, List<SubmissionReceipt> Registry) EveryState()
    {
        var a = Case("CASE-A");
        var b = Case("CASE-B", null, FollowUpTimepoint.Days30);
        var c = Case("CASE-C");
        var d = Case("CASE-D");
        var e = Case("CASE-E");
        var f = Case("CASE-F");
        var amendedF = Case("CASE-F", null, FollowUpTimepoint.Days30);
        return ([a, b, c, d, f],
            [ReceiptOf(e), ReceiptOf(a), ReceiptOf(b with { FollowUps = null }), Receipt("CASE-D", "", 1, CaseStatus.Withdrawn), ReceiptOf(amendedF, version: 2)]);
    }

    public static async IAsyncEnumerable<T> Async<T>(IEnumerable<T> items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return item;
        }
    }

    public static Task<ReconciliationReport> ReconcileAsync(IEnumerable<Submission> local, IEnumerable<SubmissionReceipt> registry, DateTime? asOf) =>
        new CaseReconciler().ReconcileAsync("RJ1", local, Async(registry), asOf ?? new DateTime(2024, 2, 15));
}
