using RegistryClient.Cli.Report;
using RegistryClient.Cli.Validate;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Validation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>
/// Reads the hospital's own list of episodes: submission files (the reader <c>validate</c> uses), or exports mapped
/// with a profile. A file that cannot be read at all stops the run (a reconciliation without it would call its cases
/// registry-only); a document or episode that cannot be read as a submission is reported, located, and counted as
/// unreadable, so the outputs can say the local list is short by that many.
/// </summary>
internal static class LocalEpisodes
{
    /// <returns>The submissions; how many documents or rows could not be read; whether a file could not be read at
    /// all (or two episodes share a localRecordId); and, for each <c>localRecordId</c> that fails its pattern, the
    /// stand-in every output prints instead.</returns>
    public static async Task<(List<Submission> Submissions, int Unreadable, bool InputErrors, Dictionary<string, string> InvalidIds)> ReadAsync(
        IReadOnlyList<string> paths, string? profilePath, TextWriter stderr, CancellationToken cancellationToken)
    {
        var submissions = new List<Submission>();
        var positions = new List<string>();
        var invalidIds = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(Submission submission, string where, string position)
        {
            submissions.Add(submission);
            positions.Add(position);
            if (OutputText.LocalRecordId(submission.LocalRecordId) != submission.LocalRecordId && !invalidIds.ContainsKey(submission.LocalRecordId))
            {
                invalidIds[submission.LocalRecordId] = $"{OutputText.InvalidLocalRecordId} [{where}]";
            }
        }
        var inputErrors = false;
        var unreadable = 0;
        if (profilePath is null)
        {
            var brokenRules = 0;
            inputErrors = await ValidationRun.ForEachDocumentAsync(paths, new SubmissionValidator(), stderr, async (display, document, report) =>
            {
                if (report.Submission is { } submission)
                {
                    Add(submission, $"document {document.Index} of {OutputText.ForLine(display)}", $"{display}:{document.StartLine}:{document.StartColumn} (document {document.Index})");
                    brokenRules += report.IsValid ? 0 : 1;
                    return;
                }

                unreadable++;
                foreach (var issue in report.Issues.Where(i => i.Severity == ValidationSeverity.Error).DefaultIfEmpty())
                {
                    await stderr.WriteLineAsync(issue is null
                        ? $"{display}:{document.StartLine}:{document.StartColumn}: error INPUT: document {document.Index} cannot be read as a submission."
                        : ValidationRun.ErrorLine(display, document, issue));
                }
            }, cancellationToken);

            await NoteBrokenRulesAsync(stderr, brokenRules);
            return (submissions, unreadable, inputErrors | await DuplicatesAsync(submissions, positions, invalidIds, stderr), invalidIds);
        }

        var (profile, profileFailed) = await LoadProfileAsync(profilePath, stderr, cancellationToken);
        if (profile is null)
        {
            return (submissions, 0, profileFailed, invalidIds);
        }

        foreach (var path in paths)
        {
            Stream source;
            try
            {
                source = File.OpenRead(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"{path}: error INPUT: cannot be read: {ex.Message}");
                inputErrors = true;
                continue;
            }

            await using (source)
            {
                await foreach (var result in ProfileMapper.MapAsync(profile, source, path, cancellationToken))
                {
                    if (MappedEpisode.ToSubmission(result) is { } submission)
                    {
                        Add(submission, $"row {result.Row} of {OutputText.ForLine(path)}", $"{path}:{result.Row}");
                        continue;
                    }

                    unreadable++;
                    foreach (var error in result.Errors.DefaultIfEmpty(new MappingError { Source = path, Row = result.Row, Column = "", Message = "the episode could not be mapped to a submission" }))
                    {
                        await stderr.WriteLineAsync($"{path}:{error.Row}:{(error.Column.Length == 0 ? "*" : error.Column)}: error: {OutputText.ForLine(error.Message)}");
                    }
                }
            }
        }

        // Mapped episodes are validated too: one the registry would refuse is worth naming beside the reconciliation.
        var check = new SubmissionValidator();
        var refused = new List<string>();
        foreach (var submission in submissions)
        {
            if (!(await check.ValidateAsync(submission, cancellationToken)).IsValid)
            {
                refused.Add(invalidIds.TryGetValue(submission.LocalRecordId, out var label) ? label : submission.LocalRecordId);
            }
        }

        await NoteBrokenRulesAsync(stderr, refused.Count, refused);
        return (submissions, unreadable, inputErrors | await DuplicatesAsync(submissions, positions, invalidIds, stderr), invalidIds);
    }

    /// <summary>
    /// Two local documents with one <c>localRecordId</c> are an input error naming both positions: which one is the
    /// case's current state is the hospital's to say, and taking either made the verdict depend on input order.
    /// </summary>
    private static async Task<bool> DuplicatesAsync(List<Submission> submissions, List<string> positions, Dictionary<string, string> invalidIds, TextWriter stderr)
    {
        var first = new Dictionary<(string, string), int>();
        var found = false;
        for (var i = 0; i < submissions.Count; i++)
        {
            var key = (submissions[i].Submitter.OrganisationCode, submissions[i].LocalRecordId);
            if (first.TryGetValue(key, out var earlier))
            {
                await stderr.WriteLineAsync(
                    $"{positions[i]}: error INPUT: localRecordId {(invalidIds.ContainsKey(submissions[i].LocalRecordId) ? OutputText.InvalidLocalRecordId : Worklist.Id(submissions[i].LocalRecordId))} is also the id of the episode at {positions[earlier]}; each case must be listed once.");
                found = true;
                continue;
            }

            first[key] = i;
        }

        return found;
    }

    private static async Task NoteBrokenRulesAsync(TextWriter stderr, int count, IReadOnlyList<string>? ids = null)
    {
        if (count > 0)
        {
            var named = ids is { Count: > 0 and <= 20 } ? $" ({string.Join(", ", ids.Select(OutputText.ForLine))})" : "";
            await stderr.WriteLineAsync($"registry reconcile: note: {count} local episode(s) break validation rules{named}; the registry refuses them until they are fixed (see registry validate).");
        }
    }

    private static async Task<(MappingProfile? Profile, bool Failed)> LoadProfileAsync(string profilePath, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = File.OpenRead(profilePath);
            var (profile, errors) = await MappingProfile.LoadAsync(stream, cancellationToken);
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"{profilePath}:{error.Line}:{error.Column}: error PROFILE: {error.Message}");
            }

            return (profile, profile is null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"registry reconcile: cannot read the profile {profilePath}: {ex.Message}");
            return (null, true);
        }
    }
}

/// <summary>The one place that turns a mapper's result into a submission to reconcile.</summary>
internal static class MappedEpisode
{
    public static Submission? ToSubmission(MappingResult result) => result.Errors.Count > 0 ? null : result.Submission;
}
