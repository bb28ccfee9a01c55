using System.Globalization;
using RegistryClient.Mapping;
using RegistryClient.Reconciliation;

namespace RegistryClient.Cli.Reconcile;

/// <summary>
/// Reads the coded clinical activity for <c>reconcile --activity</c>: the profile (checked, every mistake located by
/// line), then the extract. Any located error stops the run before a request is sent: case finding that skipped a coded
/// row would under-report exactly the patients it is for.
/// </summary>
internal static class ActivityInput
{
    public static async Task<IReadOnlyList<CodedEpisode>?> ReadAsync(string path, string? profilePath, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (profilePath is null)
        {
            await stderr.WriteLineAsync("registry reconcile: a CSV or xlsx activity extract needs its profile: name it with --activity-profile.");
            return null;
        }

        ActivityProfile? profile;
        try
        {
            await using var stream = File.OpenRead(profilePath);
            IReadOnlyList<ProfileError> errors;
            (profile, errors) = await ActivityProfile.LoadAsync(stream, cancellationToken);
            foreach (var error in errors)
            {
                await stderr.WriteLineAsync($"{profilePath}:{error.Line}:{error.Column}: error PROFILE: {OutputText.ForLine(error.Message)}");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"registry reconcile: cannot read the activity profile {profilePath}: {ex.Message}");
            return null;
        }

        if (profile is null)
        {
            return null;
        }

        ActivityExtract.Result result;
        try
        {
            await using var source = File.OpenRead(path);
            result = await ActivityExtract.ReadAsync(profile, source, path, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"registry reconcile: cannot read the activity {path}: {ex.Message}");
            return null;
        }

        foreach (var error in result.Errors)
        {
            await stderr.WriteLineAsync($"{error.Source}:{error.Row}:{(error.Column.Length == 0 ? "*" : error.Column)}: error ACTIVITY: {OutputText.ForLine(error.Message)}");
        }

        if (result.Errors.Count > 0)
        {
            await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"registry reconcile: {result.Errors.Count} problem(s) in the activity (see above): fix them and run again; nothing was compared."));
            return null;
        }

        return result.Episodes;
    }

    /// <summary>The trust's pseudonymisation key from the environment: base64, or hex; at least 32 bytes. Never printed.</summary>
    public static (byte[]? Key, string? Problem) Key(string variable)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrEmpty(text))
        {
            return (null, null);
        }

        byte[]? key = null;
        if (text.Length % 2 == 0 && text.All(Uri.IsHexDigit))
        {
            key = Convert.FromHexString(text);
        }
        else
        {
            try
            {
                key = Convert.FromBase64String(text);
            }
            catch (FormatException)
            {
            }
        }

        return key is { Length: >= 32 }
            ? (key, null)
            : (null, $"the pseudonymisation key in {variable} must be at least 32 bytes, written in hex or base64.");
    }
}
