namespace RegistryClient.Tests;

/// <summary>
/// Locates the repository's samples/ and schemas/ folders by walking up from the test assembly's folder
/// (not from the source path: CI builds are deterministic and map source paths to <c>/_/</c>).
/// </summary>
internal static class Samples
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ValidDirectory => Path.Combine(RepositoryRoot, "samples", "submissions", "valid");

    public static string InvalidDirectory => Path.Combine(RepositoryRoot, "samples", "submissions", "invalid");

    public static string SchemaFile => Path.Combine(RepositoryRoot, "schemas", "venous-registry-submission.v1.schema.json");

    public static IEnumerable<string> ValidFiles => Directory.EnumerateFiles(ValidDirectory, "*.json").OrderBy(f => f, StringComparer.Ordinal);

    public static IEnumerable<string> InvalidFiles =>
        Directory.EnumerateFiles(InvalidDirectory, "*.json")
            .Where(f => Path.GetFileName(f) != "expected.json")
            .OrderBy(f => f, StringComparer.Ordinal);

    public static TheoryData<string> ValidFileNames() => new(ValidFiles.Select(Path.GetFileName)!);

    public static TheoryData<string> InvalidFileNames() => new(InvalidFiles.Select(Path.GetFileName)!);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "RegistryClient.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("RegistryClient.sln not found above " + AppContext.BaseDirectory);
    }
}
