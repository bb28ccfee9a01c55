using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using RegistryClient.Http;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;

namespace RegistryClient.Cli.Withdraw;

/// <summary>
/// <c>registry withdraw ORGANISATION LOCAL_RECORD_ID --reason R</c>: withdraws a case (consent withdrawn, entered in
/// error, duplicate). The registry erases the document and keeps a tombstone; the case can never be re-created; the
/// outbox erases its copies of the case's documents too. Exit 0 withdrawn (also when it already was), 1 no such case
/// or refused, 2 usage, connection, or an outbox that could not be purged.
/// </summary>
internal static class WithdrawCommand
{
    private static readonly Dictionary<string, WithdrawalReason> Reasons = new(StringComparer.Ordinal)
    {
        ["consentWithdrawn"] = WithdrawalReason.ConsentWithdrawn,
        ["enteredInError"] = WithdrawalReason.EnteredInError,
        ["duplicate"] = WithdrawalReason.Duplicate,
    };

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var organisation = new Argument<string>("ORGANISATION") { Description = "The organisation code the case belongs to (e.g. RJ1)." };
        var localRecordId = new Argument<string>("LOCAL_RECORD_ID") { Description = "The hospital's episode id of the case." };
        var reason = new Option<string>("--reason") { Description = "Why: consentWithdrawn, enteredInError or duplicate.", Required = true };
        reason.AcceptOnlyFromAmong([.. Reasons.Keys]);
        var endpoint = new Option<string>("--endpoint") { Description = "The registry's base URL.", Required = true };
        var tokenEnv = new Option<string>("--token-env") { Description = "The environment variable holding the bearer token.", DefaultValueFactory = _ => "REGISTRY_TOKEN" };
        var outbox = new Option<string>("--outbox") { Description = "The outbox file (SQLite) whose copies of the case's documents are erased too; skipped when the file does not exist.", DefaultValueFactory = _ => "registry-outbox.db" };
        var command = new Command("withdraw", "Withdraw a case from the registry (consent withdrawn, entered in error, duplicate): its document and identifiers are erased, here and in the outbox, and it can never be re-created.")
        {
            organisation, localRecordId, reason, endpoint, tokenEnv, outbox,
        };

        command.SetAction(async (parse, cancellationToken) =>
        {
            var org = parse.GetValue(organisation)!;
            var local = parse.GetValue(localRecordId)!;
            var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!);
            if (string.IsNullOrEmpty(token))
            {
                await stderr.WriteLineAsync($"registry withdraw: set the bearer token in the environment variable {parse.GetValue(tokenEnv)} (or name another with --token-env).");
                return ExitCodes.UsageOrInput;
            }

            if (!Uri.TryCreate(parse.GetValue(endpoint), UriKind.Absolute, out var uri))
            {
                await stderr.WriteLineAsync("registry withdraw: --endpoint must be an absolute URL.");
                return ExitCodes.UsageOrInput;
            }

            if (string.IsNullOrWhiteSpace(org) || string.IsNullOrWhiteSpace(local))
            {
                await stderr.WriteLineAsync("registry withdraw: ORGANISATION and LOCAL_RECORD_ID must not be empty.");
                return ExitCodes.UsageOrInput;
            }

            VenousRegistryClient client;
            try
            {
                client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = uri, Token = token });
            }
            catch (OptionsValidationException ex)
            {
                await stderr.WriteLineAsync("registry withdraw: " + string.Join(" ", ex.Failures));
                return ExitCodes.UsageOrInput;
            }

            using (client)
            {
                SubmissionResult result;
                try
                {
                    result = await client.WithdrawAsync(org, local, Reasons[parse.GetValue(reason)!], cancellationToken);
                }
                catch (RegistryException ex)
                {
                    // Without a status the message says what went wrong (no response, or a list that never ends); it holds no submitted value.
                    await stderr.WriteLineAsync(ex.Status is { } s
                        ? $"registry withdraw: the registry could not answer (HTTP {s.ToString(CultureInfo.InvariantCulture)}); nothing was withdrawn. Run again later."
                        : $"registry withdraw: {OutputText.ForLine(ex.Message.TrimEnd('.'))}; nothing was withdrawn.");
                    return ExitCodes.UsageOrInput;
                }

                switch (result.Status)
                {
                    case SubmissionStatus.Withdrawn when result.Receipt is { } tombstone:
                        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"withdrawn {org} {local}: case {tombstone.Id}, reason {parse.GetValue(reason)}, at {(tombstone.Withdrawal?.At ?? tombstone.UpdatedAt):yyyy-MM-ddTHH:mm:ssZ}; the registry keeps only a tombstone and will refuse to re-create the case."));
                        return await PurgeOutboxAsync(parse.GetValue(outbox)!, org, local, stdout, stderr, cancellationToken);
                    case SubmissionStatus.NotFound:
                        await stderr.WriteLineAsync($"registry withdraw: the registry holds no case {local} for organisation {org}; nothing was withdrawn.");
                        return ExitCodes.Failures;
                    case SubmissionStatus.Forbidden:
                        await stderr.WriteLineAsync($"registry withdraw: the token is not bound to organisation {org} (403); nothing was withdrawn.");
                        return ExitCodes.Failures;
                    case SubmissionStatus.Unauthorized:
                        await stderr.WriteLineAsync($"registry withdraw: the registry refused the token (401); check {parse.GetValue(tokenEnv)}. Nothing was withdrawn.");
                        return ExitCodes.Failures;
                    case SubmissionStatus.TransientFailure:
                        await stderr.WriteLineAsync($"registry withdraw: the registry could not be reached ({result.Detail ?? "no response"}{(result.Attempts > 1 ? $", after {result.Attempts} HTTP attempts" : "")}); nothing was withdrawn. Run again later.");
                        return ExitCodes.UsageOrInput;
                    default:
                        await stderr.WriteLineAsync($"registry withdraw: the registry refused the withdrawal ({result.Status}{(result.HttpStatus is { } status ? ", HTTP " + status.ToString(CultureInfo.InvariantCulture) : "")}); nothing was withdrawn.");
                        return ExitCodes.Failures;
                }
            }
        });
        return command;
    }

    /// <summary>The registry erased the case: erase the outbox's copies of its documents too, and say so.</summary>
    private static async Task<int> PurgeOutboxAsync(string path, string organisation, string localRecordId, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            await stdout.WriteLineAsync($"no outbox at {OutputText.ForLine(path)}: nothing to erase there (name the outbox that sent the case with --outbox).");
            return ExitCodes.Success;
        }

        try
        {
            using var store = await SqliteSubmissionOutbox.OpenAsync(path, cancellationToken);
            var purged = await store.PurgeCaseAsync(organisation, localRecordId, cancellationToken);
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"erased the documents of {purged} version(s) of {localRecordId} from the outbox {OutputText.ForLine(path)}; their keys and outcomes stay, so a re-run does not send the case again."));
            return ExitCodes.Success;
        }
        catch (OutboxUnavailableException ex)
        {
            await stderr.WriteLineAsync($"registry withdraw: the case is withdrawn, but its documents could not be erased from the outbox: {Submit.OutboxText.Of(ex)} Run the same command again once the outbox is usable.");
            return ExitCodes.UsageOrInput;
        }
    }
}
