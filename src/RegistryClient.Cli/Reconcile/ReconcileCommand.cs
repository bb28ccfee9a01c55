using System.CommandLine;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using RegistryClient.Cli.Report;
using RegistryClient.Http;
using RegistryClient.Reconciliation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>
/// <c>registry reconcile</c>: the hospital's own episodes against the registry's cases for the organisation, and the
/// follow-ups due (DESIGN.md, "Reconciliation"); with <c>--activity</c>, also against the hospital's coded clinical
/// activity (case finding: coded, notRecorded, notCoded, ambiguous). Exit 0 when complete; 1 when a case is missing or
/// behind, a follow-up is overdue, or a coded episode is not recorded, ambiguous or not on the registry; 2 on usage,
/// input or connection errors (a duplicate localRecordId, a bad activity row, a registry list that never ends).
/// </summary>
internal static class ReconcileCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, TimeProvider? time = null)
    {
        var paths = new Argument<string[]>("PATH") { Description = "Submission files (.json, .ndjson) or directories; with --profile, exports to map.", Arity = ArgumentArity.OneOrMore };
        var profile = new Option<string?>("--profile") { Description = "Map the PATHs (local exports) with this mapping profile." };
        var endpoint = new Option<string>("--endpoint") { Description = "The registry's base URL.", Required = true };
        var tokenEnv = new Option<string>("--token-env") { Description = "The environment variable holding the bearer token.", DefaultValueFactory = _ => "REGISTRY_TOKEN" };
        var organisation = new Option<string?>("--organisation") { Description = "The organisation (ODS code) to reconcile; by default the one the local episodes name." };
        var asOf = new Option<string?>("--as-of") { Description = "Judge follow-ups as of this date (YYYY-MM-DD); today by default." };
        var format = new Option<string>("--format") { Description = "text, json, csv (a worklist) or html.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "csv", "html");
        var output = new Option<string?>("--output") { Description = "Write to this file instead of standard output." };
        var activity = new Option<string?>("--activity") { Description = "Case finding: compare with this coded clinical activity (a PAS or theatre coding extract, CSV or xlsx)." };
        var activityProfile = new Option<string?>("--activity-profile") { Description = "The activity profile: the extract's columns and the codes that count as PMT for acute leg DVT." };
        var matchDays = new Option<int>("--match-days") { Description = "How many days apart a coded and a local procedure date may be and still match.", DefaultValueFactory = _ => 3 };
        var keyEnv = new Option<string>("--pseudonym-key-env") { Description = "The environment variable holding the trust's pseudonymisation key (hex or base64, 32 bytes or more), when one side holds NHS numbers and the other pseudonyms.", DefaultValueFactory = _ => "REGISTRY_PSEUDONYM_KEY" };
        var command = new Command("reconcile", "Compare the local episodes with the registry's cases (matched, behind, ahead, conflict, missing, registry-only, withdrawn), list the follow-ups due, and with --activity find coded procedures the local list lacks.")
        {
            paths, profile, endpoint, tokenEnv, organisation, asOf, format, output, activity, activityProfile, matchDays, keyEnv,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            // Everything the user typed is checked before any file is read or any request sent.
            DateTime? date = null;
            if (parse.GetValue(asOf) is { } text)
            {
                if (!DateTime.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
                {
                    return await Usage(stderr, "--as-of must be a date in the form YYYY-MM-DD.");
                }

                date = parsed;
            }

            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                return await Usage(stderr, "--endpoint must be an absolute http or https URL.");
            }

            var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!);
            if (string.IsNullOrEmpty(token))
            {
                return await Usage(stderr, $"set the bearer token in the environment variable {parse.GetValue(tokenEnv)} (or name another with --token-env).");
            }

            if (parse.GetValue(matchDays) is < 0 or > 366)
            {
                return await Usage(stderr, "--match-days must be a number of days from 0 to 366.");
            }

            if (parse.GetValue(activity) is null && parse.GetValue(activityProfile) is not null)
            {
                return await Usage(stderr, "--activity-profile reads the extract named by --activity: name it.");
            }

            var (key, keyProblem) = ActivityInput.Key(parse.GetValue(keyEnv)!);
            if (keyProblem is not null)
            {
                return await Usage(stderr, keyProblem);
            }

            IReadOnlyList<CodedEpisode>? coded = null;
            if (parse.GetValue(activity) is { } activityPath)
            {
                coded = await ActivityInput.ReadAsync(activityPath, parse.GetValue(activityProfile), stderr, cancellationToken);
                if (coded is null)
                {
                    return ExitCodes.UsageOrInput;
                }
            }

            var (local, unreadable, inputErrors, invalidIds) = await LocalEpisodes.ReadAsync(parse.GetValue(paths)!, parse.GetValue(profile), stderr, cancellationToken);
            if (inputErrors)
            {
                return await Usage(stderr, "the local list could not be read (see above); nothing was compared.");
            }

            if (unreadable > 0)
            {
                await stderr.WriteLineAsync($"registry reconcile: {unreadable} local episode(s) or row(s) could not be read (see above) and are not counted: fix them and run again for a complete reconciliation.");
            }

            var organisations = local.Select(s => s.Submitter.OrganisationCode).Distinct(StringComparer.Ordinal).ToList();
            var org = parse.GetValue(organisation);
            if (org is null)
            {
                if (organisations.Count != 1)
                {
                    return await Usage(stderr, organisations.Count == 0
                        ? "the local list holds no episode: name the organisation with --organisation to list the registry's cases alone."
                        : $"the local episodes belong to {organisations.Count} organisations ({string.Join(", ", organisations.Select(OutputText.ForLine))}): name one with --organisation.");
                }

                org = organisations[0];
            }
            else if (organisations.Any(o => o != org))
            {
                var other = local.Count(s => s.Submitter.OrganisationCode != org);
                local.RemoveAll(s => s.Submitter.OrganisationCode != org);
                await stderr.WriteLineAsync($"registry reconcile: {other} local episode(s) of other organisations left out.");
            }

            VenousRegistryClient client;
            try
            {
                client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = uri, Token = token });
            }
            catch (OptionsValidationException ex)
            {
                return await Usage(stderr, string.Join(" ", ex.Failures));
            }

            ReconciliationReport report;
            using (client)
            {
                try
                {
                    report = await new CaseReconciler(time).ReconcileAsync(org, local, client, date, cancellationToken);
                }
                catch (RegistryException ex)
                {
                    return await Usage(stderr, $"cannot list the registry's cases for {OutputText.ForLine(org)} at {uri}: {OutputText.ForLine(ex.Message.TrimEnd('.'))}.");
                }
            }

            if (coded is not null)
            {
                try
                {
                    report = ActivityMatcher.Apply(report, local, coded, new ActivityMatchOptions { MatchDays = parse.GetValue(matchDays), PseudonymKey = key });
                }
                catch (ArgumentException ex)
                {
                    // The messages name no patient: the key's absence, or an activity reference used twice.
                    return await Usage(stderr, OutputText.ForLine(ex.Message.Split(new[] { " (Parameter" }, StringSplitOptions.None)[0].TrimEnd('.'))
                        + (ex.ParamName == "key" ? $" (set it in {parse.GetValue(keyEnv)}, or name another variable with --pseudonym-key-env)." : "."));
                }
            }

            report = Named(report, invalidIds);
            var rendered = parse.GetValue(format) switch
            {
                "json" => report.ToJson() + "\n",
                "csv" => await CsvAsync(report, cancellationToken),
                "html" => ReconcileHtml.Render(report, unreadable, (time ?? TimeProvider.System).GetLocalNow()),
                _ => ReconcileText.Render(report, unreadable),
            };

            if (parse.GetValue(output) is { } file)
            {
                try
                {
                    await File.WriteAllTextAsync(file, rendered, new UTF8Encoding(false), cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    return await Usage(stderr, $"cannot write {file}: {ex.Message}");
                }

                await stdout.WriteLineAsync(
                    $"{report.Summary.Local} local case(s), {report.Summary.Registry} registry case(s): ascertainment {Worklist.Percent(report.Summary.Ascertainment)}{(report.Activity is { } a ? $" ({Worklist.Percent(a.Ascertainment)} of {a.Coded} coded episode(s))" : "")}; {Worklist.All(report).Count} item(s) need action; written to {file}.");
            }
            else
            {
                await stdout.WriteAsync(rendered);
            }

            // An episode that could not be read may be one the registry lacks: the reconciliation is not complete.
            return report.IsComplete && unreadable == 0 ? ExitCodes.Success : ExitCodes.Failures;
        });
        return command;
    }

    /// <summary>The report with every local <c>localRecordId</c> that fails its pattern replaced by its stand-in (which
    /// names the document it came from), so no format prints what a mis-mapped field held. The registry refuses such
    /// an id, so none of its cases carries one; a registry's own ids are printed escaped, as they are.</summary>
    private static ReconciliationReport Named(ReconciliationReport report, IReadOnlyDictionary<string, string> invalidIds)
    {
        if (invalidIds.Count == 0)
        {
            return report;
        }

        string Name(string id) => invalidIds.TryGetValue(id, out var label) ? label : id;
        return report with
        {
            Cases = report.Cases.Select(c => c with { LocalRecordId = Name(c.LocalRecordId) }).ToList(),
            FollowUps = report.FollowUps.Select(f => f with { LocalRecordId = Name(f.LocalRecordId) }).ToList(),
            ActivityEpisodes = report.ActivityEpisodes?.Select(e => e with
            {
                LocalRecordId = e.LocalRecordId is { } id ? Name(id) : null,
                Candidates = e.Candidates?.Select(Name).ToList(),
            }).ToList(),
        };
    }

    private static async Task<string> CsvAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var activity = report.Activity is not null; // the activity's two columns only with --activity, so the worklist is unchanged without it
        await CsvTable.WriteAsync(writer,
            ["localRecordId", "item", "state", "windowStart", "windowEnd", "registryId", "registryVersion", "action", .. activity ? new[] { "activityRef", "procedureDate" } : []],
            Worklist.All(report).Select(w => (IReadOnlyList<string?>)[w.LocalRecordId, w.Item, w.State, Worklist.Date(w.WindowStart), Worklist.Date(w.WindowEnd),
                w.RegistryId, w.RegistryVersion?.ToString(CultureInfo.InvariantCulture), w.Action, .. activity ? new[] { w.ActivityRef, Worklist.Date(w.ProcedureDate) } : []]),
            cancellationToken);
        return writer.ToString();
    }

    private static async Task<int> Usage(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("registry reconcile: " + message);
        return ExitCodes.UsageOrInput;
    }
}
