using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace RegistryClient.Tests.Packaging;

/// <summary>
/// Every C# block of the README, of the guides under docs/ and of the package READMEs (src/*/README.md, what NuGet
/// shows) compiles against the libraries as they are built, so a renamed type or method cannot leave a user copying
/// code that no longer builds.
/// </summary>
/// <remarks>
/// Convention: a block is compiled as the top-level statements of a console program with the SDK's implicit usings
/// (System, System.Collections.Generic, System.IO, System.Linq, System.Net.Http, System.Threading,
/// System.Threading.Tasks); any other namespace it needs, it imports itself. A fragment may use, without declaring
/// them, the names of <see cref="Givens"/> (the caller's own objects: <c>services</c>, <c>submission</c>,
/// <c>cancellationToken</c>, ...); the test declares the ones the block uses and does not declare. Anything else
/// must be in the block.
/// </remarks>
public sealed partial class ReadmeSnippetTests
{
    /// <summary>What a fragment may take as given: the name, and the declaration the test adds when the block uses it.</summary>
    private static readonly Dictionary<string, string> Givens = new(StringComparer.Ordinal)
    {
        ["services"] = "Microsoft.Extensions.DependencyInjection.IServiceCollection services = null!;",
        ["configuration"] = "Microsoft.Extensions.Configuration.IConfiguration configuration = null!;",
        ["builder"] = "Microsoft.Extensions.Hosting.HostApplicationBuilder builder = null!;",
        ["app"] = "Microsoft.Extensions.Hosting.IHost app = null!;",
        ["cancellationToken"] = "CancellationToken cancellationToken = default;",
        ["ct"] = "CancellationToken ct = default;",
        ["timeProvider"] = "TimeProvider timeProvider = TimeProvider.System;",
        ["logger"] = "Microsoft.Extensions.Logging.ILogger logger = null!;",
        ["utf8Bytes"] = "byte[] utf8Bytes = [];",
        ["submission"] = "RegistryClient.Model.Submission submission = null!;",
        ["submissions"] = "IEnumerable<RegistryClient.Model.Submission> submissions = [];",
        ["localSubmissions"] = "IEnumerable<RegistryClient.Model.Submission> localSubmissions = [];",
        ["registry"] = "RegistryClient.Http.VenousRegistryClient registry = null!;",
        ["registryClient"] = "RegistryClient.Http.VenousRegistryClient registryClient = null!;",
        ["client"] = "RegistryClient.Http.VenousRegistryClient client = null!;",
        ["clientFactory"] = "RegistryClient.Http.IRegistryClientFactory clientFactory = null!;",
        ["validator"] = "RegistryClient.Validation.SubmissionValidator validator = null!;",
        // The caller's own record and the model parts built from it.
        ["episode"] = "(string Id, string NhsNumber, DateTime DateOfBirth) episode = default;",
        ["presentation"] = "RegistryClient.Model.Presentation presentation = null!;",
        ["governance"] = "RegistryClient.Model.Governance governance = null!;",
        ["procedure"] = "RegistryClient.Model.Procedure procedure = null!;",
        ["outcome"] = "RegistryClient.Model.Outcome outcome = null!;",
        // The caller's own handling of outcomes.
        ["Save"] = "void Save(string receiptId, int version) { }",
        ["Report"] = "void Report(IReadOnlyList<RegistryClient.Http.RegistryError> errors) { }",
        ["KeepForLater"] = "void KeepForLater(RegistryClient.Model.Submission later) { }",
        ["Alert"] = "void Alert(RegistryClient.Http.SubmissionStatus status, string? problemType, string? detail) { }",
        ["OpenMyOutboxAsync"] = "Task<RegistryClient.Outbox.SubmissionOutbox> OpenMyOutboxAsync(CancellationToken token) => null!;",
        ["CreateEmptyOutboxAsync"] = "Task<RegistryClient.Outbox.SubmissionOutbox> CreateEmptyOutboxAsync(CancellationToken token) => null!;",
        ["ReopenOutboxAsync"] = "Task<RegistryClient.Outbox.SubmissionOutbox> ReopenOutboxAsync(RegistryClient.Outbox.SubmissionOutbox outbox, CancellationToken token) => null!;",
    };

    private static readonly string[] ImplicitUsings =
        ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks"];

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.Ordinal))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path)).ToArray());

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        foreach (var (readme, line, _) in AllSnippets())
            data.Add($"{readme}:{line}");
        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void ReadmeCSharpBlock_CompilesAgainstTheLibraries(string location)
    {
        var (readme, line, code) = AllSnippets().Single(s => $"{s.Readme}:{s.Line}" == location);

        var errors = Compile(readme, line, code);

        Assert.True(errors.Count == 0, $"The csharp block at {location} does not compile:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void TheReadmes_HaveCSharpBlocksToCompile_IncludingTheGuidesAndEveryLibraryPackagesReadme()
    {
        var readmes = AllSnippets().Select(s => s.Readme).Distinct().ToList();

        Assert.Contains("README.md", readmes);
        Assert.Contains("docs/sending.md", readmes);
        Assert.Contains("src/RegistryClient/README.md", readmes);
        Assert.Contains("src/RegistryClient.Outbox.Sqlite/README.md", readmes);
        Assert.Contains("src/RegistryClient.Testing/README.md", readmes);
    }

    [Fact]
    public void ABlockCallingAMethodThatDoesNotExist_DoesNotCompile()
    {
        // The check itself can fail: a renamed method is reported at its README line.
        var errors = Compile("README.md", 10, "using RegistryClient.Validation;\n\nvar report = await new SubmissionValidator().CheckAsync(utf8Bytes);");

        Assert.Contains(errors, e => e.StartsWith("README.md(13,", StringComparison.Ordinal) && e.Contains("CheckAsync", StringComparison.Ordinal));
    }

    /// <summary>Compiles a block as a console program, adding the givens it uses; returns its errors, located in the README.</summary>
    private static List<string> Compile(string readme, int firstLine, string code)
    {
        var lines = code.Split('\n');
        var usingCount = lines.TakeWhile(l => UsingDirective().IsMatch(l) || string.IsNullOrWhiteSpace(l) || l.TrimStart().StartsWith("//", StringComparison.Ordinal)).Count();
        var directives = string.Join("\n", lines.Take(usingCount));
        var body = string.Join("\n", lines.Skip(usingCount));
        var givens = new List<string>();
        while (true)
        {
            var source = $"""
                {string.Concat(ImplicitUsings.Select(u => $"global using {u};\n"))}
                #line {firstLine + 1} "{readme}"
                {directives}
                #line hidden
                {string.Join("\n", givens)}
                #line {firstLine + 1 + usingCount} "{readme}"
                {body}
                """;
            var compilation = CSharpCompilation.Create(
                "Snippet",
                [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: readme)],
                References.Value,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
            var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            var missing = errors.Where(e => e.Id == "CS0103").Select(e => MissingName().Match(e.GetMessage()).Groups[1].Value)
                .Where(n => Givens.ContainsKey(n) && !givens.Contains(Givens[n])).Distinct().ToList();
            if (missing.Count == 0)
                return errors.Select(e => e.ToString()).ToList();
            givens.AddRange(missing.Select(n => Givens[n]));
        }
    }

    /// <summary>Every csharp block: the file (path from the repository root), the line of its opening fence, its code.</summary>
    private static IEnumerable<(string Readme, int Line, string Code)> AllSnippets()
    {
        var readmes = new[] { "README.md" }.Concat(
            Directory.EnumerateFiles(Path.Combine(Samples.RepositoryRoot, "docs"), "*.md")
                .Concat(Directory.EnumerateFiles(Path.Combine(Samples.RepositoryRoot, "src"), "README.md", SearchOption.AllDirectories))
                .Select(p => Path.GetRelativePath(Samples.RepositoryRoot, p).Replace('\\', '/')).Order(StringComparer.Ordinal));
        foreach (var readme in readmes)
        {
            var lines = File.ReadAllLines(Path.Combine(Samples.RepositoryRoot, readme));
            for (var i = 0; i < lines.Length; i++)
            {
                if (lines[i].Trim() != "```csharp")
                    continue;
                var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "```");
                yield return (readme, i + 1, string.Join("\n", lines[(i + 1)..end]));
                i = end;
            }
        }
    }

    [GeneratedRegex(@"^\s*using\s+(static\s+)?[A-Za-z_][\w.]*(\s*=\s*[\w.<>]+)?\s*;")]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex MissingName();
}
