
namespace RegistryClient.Http;

/// <summary>
/// The client's side of a case's lifecycle (DESIGN "A case only moves forward"): POST the current state; on
/// <c>case-exists</c> either the registry already holds this content (unchanged) or the case is amended with PUT and
/// <c>If-Match</c> the version this writer based its content on. A version taken from the registry's own answer is used
/// only when the writer knows none, and then the registry's rules decide. On <c>version-mismatch</c> (another writer
/// moved the case) the case and its history are read: the amendment goes ahead from the current version only when that
/// is older by <c>recordUpdatedAt</c>; otherwise the answer is <see cref="SubmissionStatus.Stale"/> or
/// <see cref="SubmissionStatus.Conflict"/>, never a blind overwrite.
/// </summary>
internal sealed class CaseSubmission(IRegistryApi api, TimeProvider time)
{
    private const string What = "Submitting a case";

    public async Task<SubmissionResult> SendAsync(PreparedSubmission submission, SubmitOptions? options, CancellationToken cancellationToken)
    {
        var body = submission.Bytes;
        var key = submission.IdempotencyKey;
        var basedOn = options?.BasedOnVersion;
        var attempts = 0;

        var created = await CallAsync(a => api.SubmitAsync(Json(body), IdempotencyKey.Quote(key), a, cancellationToken), cancellationToken).ConfigureAwait(false);
        attempts += created.Attempts;
        if (created is not { Status: 409, ProblemKind: ProblemTypes.CaseExists, Problem: { CaseId: { Length: > 0 } caseId, Version: { } version } problem })
        {
            return Final(created, created.Status == 201 ? SubmissionStatus.Created : SubmissionStatus.Unchanged, key, attempts, basedOn);
        }

        var hash = submission.ContentHash;
        if (string.Equals(problem.ContentHash, hash, StringComparison.Ordinal))
        {
            // The registry holds exactly this content already (e.g. sent before under another key): nothing to write.
            return await UnchangedAsync(caseId, key, attempts, basedOn, cancellationToken).ConfigureAwait(false);
        }

        // The registry holds other content. Replace only the version this writer has seen; knowing none, replace the
        // current one and let the registry's rules refuse content the case has moved past.
        var ifMatch = basedOn ?? version;
        var amended = await AmendAsync(caseId, body, key, ifMatch, cancellationToken).ConfigureAwait(false);
        attempts += amended.Answer.Attempts;
        if (amended.Answer.Status != 412)
        {
            // Knowing no base, an amendment the registry could not order by time replaced content this writer never saw: say so.
            var result = Amendment(amended, ifMatch, attempts, basedOn);
            return result.Status == SubmissionStatus.Amended && basedOn is null && (submission.RecordUpdatedAt is null || problem.RecordUpdatedAt is null)
                ? result with { ReplacedUnseenContent = true }
                : result;
        }

        return await ResolveMovedCaseAsync(submission, hash, body, key, caseId, ifMatch, basedOn, amended.Answer.Problem?.Type, attempts, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The case is not at the version this writer based its content on: another writer moved it. Read where it stands
    /// and its history; amend from there only when this content is newer by <c>recordUpdatedAt</c>.
    /// </summary>
    private async Task<SubmissionResult> ResolveMovedCaseAsync(PreparedSubmission submission, string hash, byte[] body, string key, string caseId,
        int basedOnOrReported, int? basedOn, string? mismatchType, int attempts, CancellationToken cancellationToken)
    {
        var read = await CallAsync(a => api.GetSubmissionAsync(caseId, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        attempts += read.Attempts;
        if (read.Content is not { Status: CaseStatus.Accepted } current)
        {
            // Withdrawn meanwhile, or the read failed: that is the answer.
            var status = read.Content?.Status == CaseStatus.Withdrawn ? SubmissionStatus.Withdrawn : SubmissionStatus.TransientFailure;
            return Final(read, status, key, attempts, basedOn);
        }

        if (string.Equals(current.ContentHash, hash, StringComparison.Ordinal))
        {
            return Final(read, SubmissionStatus.Unchanged, key, attempts, basedOn); // the other writer stored exactly this content
        }

        var history = await CallAsync(a => api.GetVersionsAsync(caseId, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        attempts += history.Attempts;
        SubmissionResult Refusal(SubmissionStatus status, string detail, DateTimeOffset? currentRecordUpdatedAt = null) => new()
        {
            Status = status,
            Receipt = current,
            IdempotencyKey = key,
            HttpStatus = 412,
            ProblemType = mismatchType,
            Detail = detail,
            Attempts = attempts,
            BasedOnVersion = basedOn ?? basedOnOrReported,
            CurrentVersion = current.Version,
            CurrentRecordUpdatedAt = currentRecordUpdatedAt,
        };

        if (history is not { Status: 200, Content.Items: { Count: > 0 } versions })
        {
            // Without the history nothing shows which content is newer: never overwrite on a guess.
            return history.Status is null || RegistryResilience.IsTransient(history.Status.Value)
                ? Final(history, SubmissionStatus.TransientFailure, key, attempts, basedOn)
                : Refusal(SubmissionStatus.Conflict, $"another writer changed the case since version {basedOn ?? basedOnOrReported} (now version {current.Version}) and its history could not be read (HTTP {history.Status}); a person must decide");
        }

        var now = versions[versions.Count - 1];
        var ours = submission.RecordUpdatedAt;

        if (ours is { } mine && now.RecordUpdatedAt is { } theirs)
        {
            if (mine > theirs)
            {
                // Provably newer: amend from the current version (the registry checks the order again under its lock).
                var retried = await AmendAsync(caseId, body, key, current.Version, cancellationToken).ConfigureAwait(false);
                var result = Amendment(retried, current.Version, attempts + retried.Answer.Attempts, basedOn);
                return retried.Answer.Status == 412
                    ? result with { Detail = "the case kept changing under another writer; it was not amended", BasedOnVersion = basedOn ?? basedOnOrReported }
                    : result;
            }

            return mine < theirs
                ? Refusal(SubmissionStatus.Stale, $"the registry's version {current.Version} is newer by recordUpdatedAt; this content was not sent", theirs)
                : Refusal(SubmissionStatus.Conflict, $"another writer stored version {current.Version} with the same recordUpdatedAt and other content; a person must decide which is right", theirs);
        }

        for (var i = 0; i < versions.Count - 1; i++)
        {
            if (string.Equals(versions[i].ContentHash, hash, StringComparison.Ordinal))
            {
                return Refusal(SubmissionStatus.Stale,
                    $"this content equals version {versions[i].Version}, which the case has moved past (now version {current.Version}); a correction back to it needs a newer submitter.recordUpdatedAt", now.RecordUpdatedAt);
            }
        }

        return Refusal(SubmissionStatus.Conflict,
            $"another writer changed the case since version {basedOn ?? basedOnOrReported} (now version {current.Version}) and nothing shows which content is newer (no recordUpdatedAt on both); a person must decide", now.RecordUpdatedAt);
    }

    private async Task<(RegistryAnswer<SubmissionReceipt> Answer, string Key)> AmendAsync(string caseId, byte[] body, string key, int version, CancellationToken cancellationToken)
    {
        var amendKey = IdempotencyKey.ForAmendment(key, version);
        var ifMatch = "\"" + version.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\"";
        var answer = await CallAsync(a => api.AmendAsync(caseId, Json(body), ifMatch, IdempotencyKey.Quote(amendKey), a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return (answer, amendKey);
    }

    /// <summary>A PUT that moved the version amended the case; one that kept it found the content equal.</summary>
    private static SubmissionResult Amendment((RegistryAnswer<SubmissionReceipt> Answer, string Key) amended, int fromVersion, int attempts, int? basedOn)
    {
        var moved = amended.Answer.Content is { } receipt && receipt.Version != fromVersion;
        var result = Final(amended.Answer, moved ? SubmissionStatus.Amended : SubmissionStatus.Unchanged, amended.Key, attempts, basedOn);
        return moved ? result with { CurrentVersion = fromVersion } : result;
    }

    private async Task<SubmissionResult> UnchangedAsync(string caseId, string key, int attempts, int? basedOn, CancellationToken cancellationToken)
    {
        var read = await CallAsync(a => api.GetSubmissionAsync(caseId, a, cancellationToken), cancellationToken).ConfigureAwait(false);
        return Final(read, SubmissionStatus.Unchanged, key, attempts + read.Attempts, basedOn);
    }

    private static SubmissionResult Final<T>(RegistryAnswer<T> answer, SubmissionStatus success, string key, int attempts, int? basedOn)
        where T : class
    {
        var result = SubmissionOutcomes.Final(answer, success, key, attempts, What);
        return basedOn is null ? result : result with { BasedOnVersion = basedOn };
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
