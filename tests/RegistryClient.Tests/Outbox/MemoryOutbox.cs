using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Tests.Outbox;

/// <summary>
/// The simplest outbox that keeps every promise of <see cref="SubmissionOutbox"/> (it passes <c>SubmissionOutboxContract</c>):
/// a list in memory, as a consumer might write for their own tests. Not durable, so the contract's durability clause is
/// skipped for it. The outbox benchmark uses it too, to measure the library rather than a disk.
/// </summary>
internal sealed class MemoryOutbox(TimeProvider? time = null) : SubmissionOutbox
{
    private readonly List<OutboxEntry> _entries = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public override Task<OutboxEnqueueResult> EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var versions = Case(entry.OrganisationCode, entry.LocalRecordId).Where(e => e.State is OutboxState.Pending or OutboxState.Stored).ToList();
            if (OutboxEnqueueRules.Decide(entry, versions) is { } settled)
            {
                return Task.FromResult(settled);
            }

            if (_entries.Find(e => e.IdempotencyKey == entry.IdempotencyKey) is { } same)
            {
                return Task.FromResult(new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Duplicate, Entry = same });
            }

            var now = _time.GetUtcNow();
            var stored = entry with
            {
                Sequence = _entries.Count + 1, State = OutboxState.Pending, Attempts = 0, LastError = null, Outcome = null, ReceiptId = null, RegistryVersion = null,
                EnqueuedAt = now, UpdatedAt = now,
            };
            _entries.Add(stored);
            return Task.FromResult(new OutboxEnqueueResult { Outcome = OutboxEnqueueOutcome.Queued, Entry = stored });
        }
    }

    public override Task<IReadOnlyList<OutboxEntry>> PendingAsync(long afterSequence, int limit, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(_entries.Where(e => e.State == OutboxState.Pending && e.Sequence > afterSequence).Take(limit).ToList());
        }
    }

    public override Task<IReadOnlyList<OutboxEntry>> HistoryAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<OutboxEntry>>(Case(organisationCode, localRecordId).ToList());
        }
    }

    public override Task MarkStoredAsync(string idempotencyKey, SubmissionStatus outcome, SubmissionReceipt receipt, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { State = OutboxState.Stored, Outcome = outcome, ReceiptId = receipt.Id, RegistryVersion = receipt.Version, LastError = null, Attempts = e.Attempts + 1 });

    public override Task MarkRefusedAsync(string idempotencyKey, OutboxState state, SubmissionStatus outcome, string reason, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { State = state, Outcome = outcome, LastError = reason, Attempts = e.Attempts + 1 });

    public override Task MarkAttemptFailedAsync(string idempotencyKey, string reason, CancellationToken cancellationToken = default) =>
        Update(idempotencyKey, e => e with { LastError = reason, Attempts = e.Attempts + 1 });

    public override Task<int> PurgeCaseAsync(string organisationCode, string localRecordId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var purged = 0;
            for (var i = 0; i < _entries.Count; i++)
            {
                var e = _entries[i];
                if (e.OrganisationCode == organisationCode && e.LocalRecordId == localRecordId)
                {
                    _entries[i] = e.State == OutboxState.Pending
                        ? e with { Body = [], State = OutboxState.Withdrawn, Outcome = SubmissionStatus.Withdrawn, LastError = "the case was withdrawn; its documents were erased", UpdatedAt = _time.GetUtcNow() }
                        : e with { Body = [], UpdatedAt = _time.GetUtcNow() };
                    purged++;
                }
            }

            return Task.FromResult(purged);
        }
    }

    public override Task<OutboxCounts> CountAsync(CancellationToken cancellationToken = default)
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

    private IEnumerable<OutboxEntry> Case(string organisationCode, string localRecordId) =>
        _entries.Where(e => e.OrganisationCode == organisationCode && e.LocalRecordId == localRecordId);

    private Task Update(string key, Func<OutboxEntry, OutboxEntry> change)
    {
        lock (_gate)
        {
            var i = _entries.FindIndex(e => e.IdempotencyKey == key);
            if (i >= 0)
            {
                _entries[i] = change(_entries[i]) with { UpdatedAt = _time.GetUtcNow() };
            }
        }

        return Task.CompletedTask;
    }
}
