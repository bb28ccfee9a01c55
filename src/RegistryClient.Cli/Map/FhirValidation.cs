using System.Text.RegularExpressions;
using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;

namespace RegistryClient.Cli.Map;

/// <summary>
/// <c>--validate-fhir</c>: Firely's validator against base FHIR R4 (the specification package's specification.zip,
/// beside the tool) and, with <c>--fhir-package</c>, the conformance resources of a local folder (an extracted FHIR
/// package such as UK Core, which cannot be downloaded by this tool). Errors and fatal issues fail the resource's
/// episode; warnings do not. Without <c>--fhir-package</c>, a declared profile (meta.profile) that is not at hand is not
/// an error: only base R4 is checked.
/// </summary>
internal sealed partial class FhirValidation
{
    private readonly Validator _validator;
    private readonly object _gate = new(); // one validation at a time: the validator's caches are not documented as thread-safe

    private readonly bool _hasPackage;

    public FhirValidation(string? packagePath)
    {
        _hasPackage = packagePath is not null;
        var sources = new List<IResourceResolver> { ZipSource.CreateValidationSource() };
        if (packagePath is not null)
        {
            sources.Insert(0, new DirectorySource(packagePath, new DirectorySourceSettings { IncludeSubDirectories = true }));
        }

        var resolver = new CachedResolver(new MultiResolver(sources));
        _validator = new Validator(resolver, new LocalTerminologyService(resolver), null, new ValidationSettings());
    }

    public IReadOnlyList<string> Check(Resource resource)
    {
        OperationOutcome outcome;
        lock (_gate)
        {
            outcome = _validator.Validate(resource.ToPocoNode(), null);
        }

        return outcome.Issue
            .Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal)
            .Where(i => _hasPackage || !IsUnavailableProfile(i))
            .Select(i => Describe(i))
            .Distinct()
            .ToList();
    }

    /// <summary>A profile the resource declares (meta.profile, such as UK Core's) that is not at hand: without a package
    /// folder only base R4 is checked, which is what --validate-fhir alone promises.</summary>
    private static bool IsUnavailableProfile(OperationOutcome.IssueComponent issue) =>
        (issue.Details?.Text ?? issue.Diagnostics ?? "").StartsWith("Unable to resolve reference to profile", StringComparison.Ordinal);

    /// <summary>The issue's location and text, with quoted values left out (element names, which are safe, are kept).</summary>
    private static string Describe(OperationOutcome.IssueComponent issue)
    {
        var where = issue.Expression.FirstOrDefault() ?? issue.Location.FirstOrDefault();
        var text = Quoted().Replace(issue.Details?.Text ?? issue.Diagnostics ?? issue.Code?.ToString() ?? "invalid", m =>
            ElementName().IsMatch(m.Groups[1].Value) ? m.Value : "'...'");
        return (where is null ? "" : where + ": ") + text;
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();

    [GeneratedRegex("^[a-z][A-Za-z]{0,39}(\\[x\\])?$")]
    private static partial Regex ElementName();
}
