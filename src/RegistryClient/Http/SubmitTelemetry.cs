using System.Diagnostics;

namespace RegistryClient.Http;

/// <summary>
/// The span and metrics of one write (submit or withdraw): tags the outcome, HTTP status, attempts, receipt id, case
/// version and organisation, and records the duration, timed with the client's <see cref="TimeProvider"/>.
/// </summary>
internal readonly struct SubmitTelemetry : IDisposable
{
    private readonly Activity? _activity;
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly string _organisation;
    private readonly string _operation;

    private SubmitTelemetry(Activity? activity, TimeProvider time, string organisation, string operation)
    {
        _activity = activity;
        _time = time;
        _started = time.GetTimestamp();
        _organisation = organisation;
        _operation = operation;
    }

    public static SubmitTelemetry Start(string operation, string organisationCode, TimeProvider time)
    {
        var activity = RegistryDiagnostics.ActivitySource.StartActivity(operation, ActivityKind.Client);
        activity?.SetTag("registry.organisation_code", organisationCode);
        return new SubmitTelemetry(activity, time, organisationCode, operation);
    }

    public void Complete(SubmissionResult result)
    {
        var outcome = result.Status.ToString();
        if (_activity is { } activity)
        {
            activity.SetTag("registry.outcome", outcome);
            activity.SetTag("registry.attempts", result.Attempts);
            if (result.HttpStatus is { } status)
            {
                activity.SetTag("http.response.status_code", status);
            }

            if (result.Receipt is { } receipt)
            {
                activity.SetTag("registry.receipt_id", receipt.Id);
                activity.SetTag("registry.case_version", receipt.Version);
            }

            if (!result.IsStored && result.Status != SubmissionStatus.Withdrawn)
            {
                activity.SetStatus(ActivityStatusCode.Error, outcome);
            }
        }

        Record(outcome);
    }

    public void Fail(RegistryException error)
    {
        if (_activity is { } activity)
        {
            activity.SetTag("registry.outcome", "Error");
            if (error.Status is { } status)
            {
                activity.SetTag("http.response.status_code", status);
            }

            activity.SetStatus(ActivityStatusCode.Error, error.Status is { } s ? "HTTP " + s.ToString(System.Globalization.CultureInfo.InvariantCulture) : "no response");
        }

        Record("Error");
    }

    public void Dispose() => _activity?.Dispose();

    private void Record(string outcome)
    {
        var tags = new TagList
        {
            { "outcome", outcome },
            { "operation", _operation },
            { "registry.organisation_code", _organisation },
        };
        RegistryDiagnostics.Submissions.Add(1, tags);
        RegistryDiagnostics.Duration.Record(_time.GetElapsedTime(_started).TotalSeconds, tags);
    }
}
