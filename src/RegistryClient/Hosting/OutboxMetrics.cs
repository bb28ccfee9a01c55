using System.Diagnostics;
using System.Diagnostics.Metrics;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>
/// The queue's instruments on the <c>RegistryClient</c> meter (from the host's <see cref="IMeterFactory"/> when it has
/// one): how much is waiting, how old the oldest is, what the registry answered, and how long versions waited. Tags
/// carry the organisation code and the outcome only, never a case or patient identifier.
/// </summary>
internal sealed class OutboxMetrics : IDisposable
{
    /// <summary>Bucket boundaries in seconds for the drain lag: from an instant send to a day's outage.</summary>
    private static readonly double[] LagBuckets = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 24 * 3600];

    private readonly Meter? _owned;
    private readonly TimeProvider _time;
    private readonly Counter<long> _sent;
    private readonly Counter<long> _created;
    private readonly Counter<long> _amended;
    private readonly Counter<long> _stale;
    private readonly Counter<long> _rejected;
    private readonly Histogram<double> _lag;

    public OutboxMetrics(RegistryWorkerState state, IMeterFactory? meters)
    {
        _time = state.Time;
        var meter = meters?.Create(RegistryDiagnostics.Name) ?? (_owned = new Meter(RegistryDiagnostics.Name));
        meter.CreateObservableUpDownCounter(Names.Pending, () => state.Pending, "{submission}",
            "Versions of cases queued in the outbox that the registry has not yet settled.");
        meter.CreateObservableGauge(Names.OldestPendingAge, () => state.OldestPendingAgeSeconds, "s",
            "Age of the oldest version still pending in the outbox; 0 when none is.");
        _sent = meter.CreateCounter<long>(Names.Sent, "{submission}", "Versions the worker sent to the registry, whatever the answer.");
        _created = meter.CreateCounter<long>(Names.Created, "{submission}", "Cases the registry created from the outbox (version 1).");
        _amended = meter.CreateCounter<long>(Names.Amended, "{submission}", "Versions the registry stored as amendments of a case.");
        _stale = meter.CreateCounter<long>(Names.Stale, "{submission}", "Versions not stored because the registry holds newer content of the case.");
        _rejected = meter.CreateCounter<long>(Names.Rejected, "{submission}",
            "Versions refused for good: invalid, a conflict for a person to decide, or a withdrawn case (tag registry.outcome).");
        _lag = meter.CreateHistogram<double>(Names.DrainLag, "s", "Time from queueing a version to the registry settling it.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LagBuckets });
    }

    /// <summary>Records one answer of the registry to a queued version.</summary>
    public void Answered(OutboxEntry entry, SubmissionResult result)
    {
        var organisation = new KeyValuePair<string, object?>("registry.organisation_code", entry.OrganisationCode);
        var outcome = new KeyValuePair<string, object?>("registry.outcome", result.Status.ToString());
        _sent.Add(1, organisation, outcome);
        switch (result.Status)
        {
            case SubmissionStatus.Created:
                _created.Add(1, organisation);
                break;
            case SubmissionStatus.Amended:
                _amended.Add(1, organisation);
                break;
            case SubmissionStatus.Stale:
                _stale.Add(1, organisation);
                break;
            case SubmissionStatus.Rejected or SubmissionStatus.Conflict or SubmissionStatus.Withdrawn:
                _rejected.Add(1, organisation, outcome);
                break;
        }

        if (result.Status is not (SubmissionStatus.TransientFailure or SubmissionStatus.Unauthorized or SubmissionStatus.Forbidden or SubmissionStatus.NotFound)
            && entry.EnqueuedAt != default)
        {
            _lag.Record(Math.Max(0, (_time.GetUtcNow() - entry.EnqueuedAt).TotalSeconds), organisation, outcome);
        }
    }

    public void Dispose() => _owned?.Dispose();

    /// <summary>The instrument names (OpenTelemetry style: lower case, dotted, units in UCUM).</summary>
    internal static class Names
    {
        public const string Pending = "registry.outbox.pending";
        public const string OldestPendingAge = "registry.outbox.oldest_pending.age";
        public const string Sent = "registry.outbox.sent";
        public const string Created = "registry.outbox.created";
        public const string Amended = "registry.outbox.amended";
        public const string Stale = "registry.outbox.stale";
        public const string Rejected = "registry.outbox.rejected";
        public const string DrainLag = "registry.outbox.drain.lag";
    }
}
