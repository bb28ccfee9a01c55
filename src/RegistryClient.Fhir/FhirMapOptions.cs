using Hl7.Fhir.Model;

namespace RegistryClient.Fhir;

/// <summary>How <see cref="FhirMapper"/> maps.</summary>
public sealed class FhirMapOptions
{
    /// <summary>A check of every resource an episode reads (its anchor, and each resource its expressions resolve or
    /// select), after it parses: the problems it returns fail the episode, each reported with the resource's location.
    /// Problems must not repeat values from the resource. <c>registry map --validate-fhir</c> uses Firely's R4
    /// validator here. Called from several threads at once.</summary>
    public Func<Resource, IReadOnlyList<string>>? CheckResource { get; init; }
}
