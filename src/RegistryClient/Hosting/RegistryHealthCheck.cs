using System.Globalization;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Outbox;

namespace RegistryClient.Hosting;

/// <summary>Thresholds of the registry health check (<c>AddRegistryHealthCheck</c>).</summary>
public sealed class RegistryHealthCheckOptions
{
    /// <summary>The oldest pending version may wait this long before the check reports Degraded. Default 1 hour.</summary>
    public TimeSpan MaxPendingAge { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Healthy; Degraded when the oldest pending version is older than <see cref="RegistryHealthCheckOptions.MaxPendingAge"/>,
/// the circuit is open, or the registry refused versions since the previous check; Unhealthy when the outbox cannot be
/// read (corrupt, full disk, in use) or the registry refused the credentials (401, or 403 for an organisation). The
/// data gives counts, ages, states and problems: never a case or patient identifier.
/// </summary>
internal sealed class RegistryHealthCheck(RegistryWorkerState state, RegistryCircuit circuit, IOptionsMonitor<RegistryHealthCheckOptions> options, SubmissionQueue? queue = null) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var settings = options.Get(context?.Registration?.Name ?? Options.DefaultName);
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        var unhealthy = new List<string>();
        var degraded = new List<string>();
        if (queue is not null)
        {
            try
            {
                var outbox = await queue.GetOutboxAsync(cancellationToken).ConfigureAwait(false);
                var (counts, _) = await state.ObserveAsync(outbox, cancellationToken).ConfigureAwait(false);
                data["pending"] = counts.Pending;
                data["rejected"] = counts.Rejected;
                if (state.OutboxFailure is { } failure)
                {
                    // Readable, but the worker could not record the registry's answers (a full disk, say).
                    data["outboxProblem"] = failure.Problem.ToString();
                    unhealthy.Add($"the outbox is unavailable ({failure.Problem}): {failure.Message}");
                }
            }
            catch (OutboxUnavailableException ex)
            {
                state.OutboxFailed(ex);
                data["outboxProblem"] = ex.Problem.ToString();
                unhealthy.Add($"the outbox is unavailable ({ex.Problem}): {ex.Message}");
            }
        }

        if (state.RefusedCredentials is { } status)
        {
            data["registryRefused"] = status;
            unhealthy.Add(status == 401
                ? "the registry refused the credentials (HTTP 401)"
                : "the registry refused the token for an organisation (HTTP 403)");
        }

        var age = state.OldestPendingAgeSeconds;
        data["oldestPendingAgeSeconds"] = Math.Round(age, 1);
        if (age > settings.MaxPendingAge.TotalSeconds)
        {
            degraded.Add($"the oldest pending submission has waited {Minutes(age)} (over {Minutes(settings.MaxPendingAge.TotalSeconds)})");
        }

        data["circuit"] = circuit.IsOpen ? "open" : "closed";
        if (circuit.IsOpen)
        {
            degraded.Add("the registry circuit is open after repeated failures");
        }

        var rejections = state.TakeRejections();
        data["rejectedSinceLastCheck"] = rejections;
        if (rejections > 0)
        {
            degraded.Add($"the registry refused {rejections.ToString(CultureInfo.InvariantCulture)} submission(s) since the last check");
        }

        if (unhealthy.Count > 0)
        {
            return HealthCheckResult.Unhealthy(Sentence(unhealthy.Concat(degraded)), data: data);
        }

        return degraded.Count > 0
            ? HealthCheckResult.Degraded(Sentence(degraded), data: data)
            : HealthCheckResult.Healthy("The outbox is draining.", data);
    }

    private static string Minutes(double seconds) =>
        seconds < 120 ? ((int)seconds).ToString(CultureInfo.InvariantCulture) + " s" : ((int)(seconds / 60)).ToString(CultureInfo.InvariantCulture) + " min";

    private static string Sentence(IEnumerable<string> reasons)
    {
        var text = string.Join("; ", reasons);
        return char.ToUpperInvariant(text[0]) + text.Substring(1) + (text.EndsWith(".", StringComparison.Ordinal) ? "" : ".");
    }
}
