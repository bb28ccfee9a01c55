using System.Text.Json;

namespace RegistryClient.Http;

/// <summary>Withdraws a case named by the hospital's id: find the registry's id, then <c>POST /v1/submissions/{id}/withdrawal</c>.</summary>
internal sealed class CaseWithdrawalRequest(IRegistryApi api, TimeProvider time)
{
    private const string What = "Withdrawing a case";

    public async Task<SubmissionResult> SendAsync(string organisationCode, string localRecordId, WithdrawalReason reason, CancellationToken cancellationToken)
    {
        var found = await new CaseFinder(api, time).FindAsync(organisationCode, localRecordId, cancellationToken).ConfigureAwait(false);
        if (found.Error is { } error)
        {
            return SubmissionOutcomes.Final(error, SubmissionStatus.NotFound, "", found.Attempts, What);
        }

        if (found.Case is not { } existing)
        {
            return new SubmissionResult { Status = SubmissionStatus.NotFound, IdempotencyKey = "", Attempts = found.Attempts, Detail = "the registry holds no such case" };
        }

        var body = JsonSerializer.SerializeToUtf8Bytes(new WithdrawalRequest { Reason = reason }, RegistryApiJsonContext.Default.WithdrawalRequest);
        var answer = await RegistryTransport.CallAsync(a => api.WithdrawAsync(existing.Id, CaseSubmission.Json(body), a, cancellationToken), time, cancellationToken).ConfigureAwait(false);
        var attempts = found.Attempts + answer.Attempts;
        return answer.Status == 404
            ? new SubmissionResult { Status = SubmissionStatus.NotFound, IdempotencyKey = "", HttpStatus = 404, Attempts = attempts, Detail = "the registry holds no such case" }
            : SubmissionOutcomes.Final(answer, SubmissionStatus.Withdrawn, "", attempts, What);
    }
}
