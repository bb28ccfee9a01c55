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
/// follow-ups due (DESIGN.md, "Reconciliation"). Exit 0 when complete; 1 when a case is missing or behind or a
/// follow-up is overdue; 2 on usage, input or connection errors.
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
        var command = new Command("reconcile", "Compare the local episodes with the registry's cases (matched, behind, missing, registry-only, withdrawn) and list the follow-ups due.")
        {
            paths, profile, endpoint, tokenEnv, organisation, asOf, format, output,
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
                    $"{report.Summary.Local} local case(s), {report.Summary.Registry} registry case(s): ascertainment {Worklist.Percent(report.Summary.Ascertainment)}; {Worklist.All(report).Count} item(s) need action; written to {file}.");
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
        };
    }

    private static async Task<string> CsvAsync(ReconciliationReport report, CancellationToken cancellationToken)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        await CsvTable.WriteAsync(writer, ["localRecordId", "item", "state", "windowStart", "windowEnd", "registryId", "registryVersion", "action"],
            Worklist.All(report).Select(w => (IReadOnlyList<string?>)[w.LocalRecordId, w.Item, w.State, Worklist.Date(w.WindowStart), Worklist.Date(w.WindowEnd),
                w.RegistryId, w.RegistryVersion?.ToString(CultureInfo.InvariantCulture), w.Action]),
            cancellationToken);
        return writer.ToString();
    }

    private static async Task<int> Usage(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync("registry reconcile: " + message);
        return ExitCodes.UsageOrInput;
    }
}
