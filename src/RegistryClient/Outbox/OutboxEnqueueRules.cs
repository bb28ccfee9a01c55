namespace RegistryClient.Outbox;

/// <summary>
/// Whether a new version of a case joins the outbox, by the registry's own rules (DESIGN "A case only moves forward"),
/// so an outbox never queues what the registry would refuse as stale. For implementers of
/// <see cref="SubmissionOutbox"/>: call it inside the enqueue's transaction with the case's versions that count.
/// </summary>
public static class OutboxEnqueueRules
{
    /// <summary>
    /// Judges <paramref name="candidate"/> against the case's versions that count (pending or stored, oldest first):
    /// the same content as the latest is a <see cref="OutboxEnqueueOutcome.Duplicate"/> (a newer
    /// <c>recordUpdatedAt</c> alone changes nothing); when both carry <c>recordUpdatedAt</c>, an older one is
    /// <see cref="OutboxEnqueueOutcome.Stale"/> and a newer one is queued, even if it restores earlier content (a
    /// correction); otherwise (an equal time, or either lacks one) content equal to a superseded version is
    /// <see cref="OutboxEnqueueOutcome.Stale"/>, and other content is queued for the registry to judge.
    /// </summary>
    /// <param name="candidate">The version to enqueue.</param>
    /// <param name="caseVersions">The case's pending and stored versions, in enqueue order.</param>
    /// <returns>The result to answer without queueing, or null when the candidate is to be queued.</returns>
    public static OutboxEnqueueResult? Decide(OutboxEntry candidate, IReadOnlyList<OutboxEntry> caseVersions)
    {
        if (candidate is null)
        {
            throw new ArgumentNullException(nameof(candidate));
        }

        if (caseVersions is null || caseVersions.Count == 0)
        {
            return null;
        }

        var latest = caseVersions[caseVersions.Count - 1];
        if (string.Equals(latest.ContentHash, candidate.ContentHash, StringComparison.Ordinal))
        {
            return new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Duplicate, Entry = latest };
        }

        if (candidate.RecordUpdatedAt is { } incoming && latest.RecordUpdatedAt is { } current)
        {
            if (incoming != current)
            {
                return incoming < current ? new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Stale, Entry = latest } : null;
            }

            // The same time: content a later version superseded is stale below; new content goes to the registry, which
            // reports the conflicting edit for a person to decide.
        }

        for (var i = caseVersions.Count - 2; i >= 0; i--)
        {
            if (string.Equals(caseVersions[i].ContentHash, candidate.ContentHash, StringComparison.Ordinal))
            {
                return new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Stale, Entry = caseVersions[i] };
            }
        }

        return null;
    }
}
