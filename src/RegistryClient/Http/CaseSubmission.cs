using System.Text.Json;
using RegistryClient.Model;

namespace RegistryClient.Http;

/// <summary>
/// The client's side of a case's lifecycle (DESIGN.md): POST the current state; on <c>case-exists</c> either the
/// registry already holds this content (unchanged) or the case is amended with PUT and <c>If-Match</c> the version the
/// registry reported; on <c>version-mismatch</c> the case is read once and the PUT tried once more.
/// </summary>
internal sealed class CaseSubmission(IRegistryApi api, TimeProvider time)
{
    private const string What = "Submitting a case";

    public async Task<SubmissionResult> SendAsync(Submission submission, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(submission, RegistryJsonContext.Default.Submission);
        var key = IdempotencyKey.For(submission, body);
        var attempts = 0;

        var created = await CallAsync(a => api.SubmitAsync(Json(body), IdempotencyKey.Quote(key), a, cancellationToken), cancellationToken).ConfigureAwait(false);
        attempts += created.Attempts;
        if (created is not { Status: 409, ProblemKind: ProblemTypes.CaseExists, Problem: { CaseId: { Length: > 0 } caseId, Version: { } version } problem })
        {
            return SubmissionOutcomes.Final(created, created.Status == 201 ? SubmissionStatus.Created : SubmissionStatus.Unchanged, key, attempts, What);
        }

        var hash = SubmissionContentHash.Compute(submission);
        if (string.Equals(problem.ContentHash, hash, StringComparison.Ordinal))
        {
            // The registry holds exactly this content already (e.g. sent before under another key): nothing to write.
            return await UnchangedAsync(caseId, key, attempts, cancellationToken).ConfigureAwait(false);
        }

        var amended = await AmendAsync(caseId, body, key, version, cancellationToken).ConfigureAwait(false);
        attempts += amended.Answer.Attempts;
        if (amended.Answer.Status != 412)
        {
            return Amendment(amended, version, attempts);
        }

        // Another writer moved the case: read where it stands now, and try once more from there.
        var current = await CallAsync(a => api.GetSubmissionAsync(caseId, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        attempts += current.Attempts;
        if (current.Content is not { Status: CaseStatus.Accepted } now || string.Equals(now.ContentHash, hash, StringComparison.Ordinal))
        {
            // Withdrawn meanwhile, or the other writer stored exactly this content, or the read failed: that is the answer.
            var status = current.Content?.Status == CaseStatus.Withdrawn ? SubmissionStatus.Withdrawn : SubmissionStatus.Unchanged;
            return SubmissionOutcomes.Final(current, status, amended.Key, attempts, What);
        }

        var retried = await AmendAsync(caseId, body, key, now.Version, cancellationToken).ConfigureAwait(false);
        return Amendment(retried, now.Version, attempts + retried.Answer.Attempts); // a second 412 is a Conflict
    }

    private async Task<(RegistryAnswer<SubmissionReceipt> Answer, string Key)> AmendAsync(string caseId, byte[] body, string key, int version, CancellationToken cancellationToken)
    {
        var amendKey = IdempotencyKey.ForAmendment(key, version);
        var ifMatch = "\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
        var answer = await CallAsync(a => api.AmendAsync(caseId, Json(body), ifMatch, IdempotencyKey.Quote(amendKey), a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return (answer, amendKey);
    }

    /// <summary>A PUT that moved the version amended the case; one that kept it found the content equal.</summary>
    private static SubmissionResult Amendment((RegistryAnswer<SubmissionReceipt> Answer, string Key) amended, int fromVersion, int attempts)
    {
        var moved = amended.Answer.Content is { } receipt && receipt.Version != fromVersion;
        return SubmissionOutcomes.Final(amended.Answer, moved ? SubmissionStatus.Amended : SubmissionStatus.Unchanged, amended.Key, attempts, What);
    }

    private async Task<SubmissionResult> UnchangedAsync(string caseId, string key, int attempts, CancellationToken cancellationToken)
    {
        var read = await CallAsync(a => api.GetSubmissionAsync(caseId, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return SubmissionOutcomes.Final(read, SubmissionStatus.Unchanged, key, attempts + read.Attempts, What);
    }

    private Task<RegistryAnswer<T>> CallAsync<T>(Func<AttemptCounter, Task<Refit.IApiResponse<T>>> call, CancellationToken cancellationToken)
        where T : class => RegistryTransport.CallAsync(call, time, cancellationToken);

    internal static ByteArrayContent Json(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        return content;
    }
}
