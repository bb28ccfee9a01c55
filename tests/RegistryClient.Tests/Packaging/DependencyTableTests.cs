using System.Xml.Linq;

namespace RegistryClient.Tests.Packaging;

/// <summary>The README's dependency table says why each package is there: every one the build pins, and no other.</summary>
public sealed class DependencyTableTests
{
    [Fact]
    public void EveryPinnedPackage_HasARowSayingWhy_AndEveryRowNamesAPinnedPackage()
    {
        var pinned = XDocument.Load(Path.Combine(Samples.RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion").Select(e => e.Attribute("Include")!.Value).ToHashSet(StringComparer.Ordinal);
        var readme = File.ReadAllText(Path.Combine(Samples.RepositoryRoot, "README.md"));
        var table = readme[readme.IndexOf("## Dependencies, and why each is there", StringComparison.Ordinal)..];
        var named = table.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| package", StringComparison.Ordinal))
            .SelectMany(l => l.Split('|')[1].Split(',')).Select(n => n.Trim().Split(' ')[0]).ToHashSet(StringComparer.Ordinal);

        Assert.Empty(pinned.Where(p => !named.Contains(p)).Order(StringComparer.Ordinal));
        Assert.Empty(named.Where(n => n.Contains('.', StringComparison.Ordinal) && !n.StartsWith('@') && !n.StartsWith('(') && !pinned.Contains(n)
            && n is not ("System.Text.Json" or "ASP.NET")).Order(StringComparer.Ordinal));
    }
}
