namespace RegistryClient.Http;

/// <summary>How <see cref="VenousRegistryClient.SubmitAsync(Model.Submission, SubmitOptions, CancellationToken)"/> sends one case.</summary>
public sealed class SubmitOptions
{
    /// <summary>
    /// The registry version of the case that this content was based on: the <see cref="SubmissionReceipt.Version"/> of
    /// the last receipt the caller stored for the case. An amendment is sent with <c>If-Match</c> set to it, so if
    /// another writer has changed the case since, the client reads the case's history instead of overwriting what it
    /// has never seen: it amends from the current version only when that is older by <c>recordUpdatedAt</c>, and
    /// otherwise answers <see cref="SubmissionStatus.Stale"/> or <see cref="SubmissionStatus.Conflict"/>. Null (the
    /// default) when the caller knows no version (a first send, a new outbox): the registry's own rules then decide.
    /// </summary>
    public int? BasedOnVersion { get; init; }
}
