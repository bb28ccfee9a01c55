using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Benchmarks;

/// <summary>An outbox in a list, so the benchmark measures the library, not a disk.</summary>
internal sealed class MemoryOutbox : ISubmissionOutbox
{
    private readonly List<OutboxEntry> _entries = [];
    private readonly Lock _gate = new();

    public Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var versions = _entries.Where(e => e.OrganisationCode == entry.OrganisationCode && e.LocalRecordId == entry.LocalRecordId && e.State is OutboxState.Pending or OutboxState.Stored).ToList();
            if (OutboxEnqueueRules.Decide(entry, versions) is { } settled)
            {
                return Task.FromResult(settled);
            }

            var stored = entry with { Sequence = _entries.Count + 1 };
            _entries.Add(stored);
            return Task.FromResult(new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Queued, Entry = stored });
        }
    }

    public Task<IReadOnlyList<OutboxEntry>> PendingAsync(int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(_entries.Where(e => e.State == OutboxState.Pending).Take(limit).ToList());
        }
    }

    public Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(_entries.Where(e => e.OrganisationCode == organisationCode && e.LocalRecordId == localRecordId).ToList());
        }
    }

    public Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { State = OutboxState.Stored, Outcome = outcome, ReceiptId = receipt.Id, RegistryVersion = receipt.Version });

    public Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { State = state, Outcome = outcome, LastError = reason });

    public Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { Attempts = e.Attempts + 1, LastError = reason });

    public Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(new OutboxCounts
            {
                Pending = _entries.Count(e => e.State == OutboxState.Pending),
                Stored = _entries.Count(e => e.State == OutboxState.Stored),
                Rejected = _entries.Count(e => e.State == OutboxState.Rejected),
                Withdrawn = _entries.Count(e => e.State == OutboxState.Withdrawn),
            });
        }
    }

    private Task Update(string key, Func<OutboxEntry, OutboxEntry> change)
    {
        lock (_gate)
        {
            var i = _entries.FindIndex(e => e.IdempotencyKey == key);
            _entries[i] = change(_entries[i]);
        }

        return Task.CompletedTask;
    }
}
