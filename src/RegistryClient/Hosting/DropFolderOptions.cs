using RegistryClient.Mapping;

namespace RegistryClient.Hosting;

/// <summary>
/// A folder the worker ingests exports from: each complete file is mapped with <see cref="Profile"/>, validated and
/// queued, then moved to <c>processed/</c> with a summary beside it or to <c>rejected/</c> with its located errors.
/// </summary>
public sealed class DropFolderOptions
{
    /// <summary>The folder another process drops exports into. Required.</summary>
    public string? Path { get; set; }

    /// <summary>The mapping profile (JSON file) for the exports. Required.</summary>
    public string? Profile { get; set; }

    /// <summary>When set, episodes of another organisation are refused as errors of their file.</summary>
    public string? Organisation { get; set; }

    /// <summary>
    /// How long a file's size and last-write time must stay the same (and the file be openable without sharing writes)
    /// before it counts as complete. Default 2 seconds. A file renamed in whole is complete at once after this wait too.
    /// </summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);

    internal IEnumerable<string> Problems()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            yield return "RegistryClient:Worker:DropFolder:Path is required.";
        }

        if (string.IsNullOrWhiteSpace(Profile))
        {
            yield return "RegistryClient:Worker:DropFolder:Profile is required.";
        }

        else
        {
            var (profile, errors) = LoadProfile(Profile!);
            foreach (var error in errors)
            {
                yield return error;
            }

            _ = profile;
        }

        if (StableFor < TimeSpan.Zero || StableFor > TimeSpan.FromHours(1))
        {
            yield return "RegistryClient:Worker:DropFolder:StableFor is 0 to 1 hour.";
        }
    }

    /// <summary>Loads the profile, saying what is wrong with it (located) rather than throwing.</summary>
    internal static (MappingProfile? Profile, IReadOnlyList<string> Errors) LoadProfile(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return (null, [$"RegistryClient:Worker:DropFolder:Profile {path} cannot be read ({ex.GetType().Name})."]);
        }

        var (profile, errors) = MappingProfile.Load(bytes);
        return (profile, errors.Select(e => $"{path}:{e.Line}:{e.Column}: {e.Message}").ToList());
    }
}
