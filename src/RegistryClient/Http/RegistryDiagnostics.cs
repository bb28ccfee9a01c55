using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RegistryClient.Http;

/// <summary>
/// The client's telemetry, all named <c>RegistryClient</c>: the <see cref="ActivitySource"/>, the <see cref="Meter"/> and
/// the log categories (<c>RegistryClient.Http.*</c>). What is recorded: outcome, HTTP status, attempts, the registry's
/// receipt id and case version, error codes and counts, and the organisation code. What never is: NHS numbers,
/// pseudonyms, dates of birth or any other submitted value (the hospital's <c>localRecordId</c> included), nor the token.
/// </summary>
public static class RegistryDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/>, the <see cref="Meter"/> and the log category prefix.</summary>
    public const string Name = "RegistryClient";

    internal static readonly ActivitySource ActivitySource = new(Name);

    internal static readonly Meter Meter = new(Name);

    /// <summary>Bucket boundaries in seconds: from a fast local call to the default 60 s total budget.</summary>
    internal static readonly double[] DurationBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

    internal static readonly Counter<long> Submissions = Meter.CreateCounter<long>("registry.client.submissions", unit: "{submission}",
        description: "Submissions and withdrawals sent, by outcome.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("registry.client.submit.duration", unit: "s",
        description: "Time to a final outcome, retries included.", tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
}
