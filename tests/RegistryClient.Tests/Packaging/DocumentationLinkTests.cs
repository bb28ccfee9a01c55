using System.Text.RegularExpressions;

namespace RegistryClient.Tests.Packaging;

/// <summary>
/// The README and the guides under docs/ link to each other by relative paths and heading anchors: every such link
/// must reach a file that exists and, when it names one, a heading that exists, so moving a section cannot strand a link.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    [Fact]
    public void EveryRelativeLink_InTheReadmeAndDocs_ReachesAFileAndHeadingThatExist()
    {
        var documents = new[] { "README.md" }.Concat(Directory.EnumerateFiles(Path.Combine(Samples.RepositoryRoot, "docs"), "*.md")
            .Select(p => Path.GetRelativePath(Samples.RepositoryRoot, p))).ToList();
        var broken = new List<string>();
        var checkedLinks = 0;
        foreach (var document in documents)
        {
            var directory = Path.GetDirectoryName(Path.Combine(Samples.RepositoryRoot, document))!;
            foreach (Match link in RelativeLink().Matches(File.ReadAllText(Path.Combine(Samples.RepositoryRoot, document))))
            {
                checkedLinks++;
                var (path, anchor) = (link.Groups["path"].Value, link.Groups["anchor"].Value);
                var target = path.Length == 0 ? Path.Combine(Samples.RepositoryRoot, document) : Path.GetFullPath(Path.Combine(directory, path));
                if (!File.Exists(target) && !Directory.Exists(target))
                    broken.Add($"{document}: {link.Value} (no such file)");
                else if (anchor.Length > 0 && (!File.Exists(target) || !Anchors(target).Contains(anchor)))
                    broken.Add($"{document}: {link.Value} (no heading #{anchor})");
            }
        }

        Assert.Empty(broken);
        Assert.True(checkedLinks > 20, $"only {checkedLinks} relative links were found: the pattern no longer reads them");
    }

    /// <summary>GitHub's anchors for a Markdown file's headings: lower case, punctuation dropped, spaces to hyphens.</summary>
    private static HashSet<string> Anchors(string file) =>
        File.ReadLines(file).Where(l => l.StartsWith('#'))
            .Select(l => l.TrimStart('#').Trim().ToLowerInvariant())
            .Select(h => AnchorPunctuation().Replace(h, "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    [GeneratedRegex(@"\]\((?!https?:|mailto:)(?<path>[^)#\s]*)(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex RelativeLink();

    [GeneratedRegex(@"[^\p{L}\p{Nd} _-]")]
    private static partial Regex AnchorPunctuation();
}
