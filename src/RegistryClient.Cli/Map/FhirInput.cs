using System.Runtime.CompilerServices;
using System.Text.Json;
using RegistryClient.Fhir;
using RegistryClient.Mapping;

namespace RegistryClient.Cli.Map;

/// <summary>
/// <c>registry map</c> with a FHIR profile. Every use of the FHIR package is behind <see cref="Open"/>, which is not
/// inlined, so the runtime loads RegistryClient.Fhir and Firely's SDK only when a profile says <c>input.format: "fhir"</c>;
/// <see cref="IsFhirProfile"/> reads the profile with System.Text.Json alone.
/// </summary>
internal static class FhirInput
{
    /// <summary>True when the profile's <c>input.format</c> is <c>fhir</c> (false for anything unreadable: the CSV
    /// loader then reports it).</summary>
    public static bool IsFhirProfile(byte[] profile)
    {
        try
        {
            using var document = JsonDocument.Parse(profile, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("input", out var input) && input.ValueKind == JsonValueKind.Object
                && input.TryGetProperty("format", out var format) && format.ValueKind == JsonValueKind.String && format.ValueEquals("fhir");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Loads the FHIR profile (reporting its errors by line) and maps the input; null when the profile or the
    /// input path is unusable (reported).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IAsyncEnumerable<MappingResult>? Open(byte[] profileBytes, string profilePath, string inputPath, bool validate, string? packagePath, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Firely's model inspector loads every assembly its own reference, Microsoft.Extensions.Caching.Memory among
        // them, which this tool takes from the ASP.NET Core shared framework (loaded on demand, as for the sandbox).
        if (!AspNetCoreRuntime.TryRegister())
        {
            stderr.WriteLine(AspNetCoreRuntime.MissingMessage("map"));
            return null;
        }

        var (profile, errors) = FhirMappingProfile.Load(profileBytes);
        foreach (var error in errors)
        {
            stderr.WriteLine($"{profilePath}:{error.Line}:{error.Column}: error PROFILE: {error.Message}");
        }

        if (profile is null)
        {
            return null;
        }

        if (!File.Exists(inputPath) && !Directory.Exists(inputPath))
        {
            stderr.WriteLine($"registry map: cannot read {inputPath}: no such file or folder.");
            return null;
        }

        FhirMapOptions? options = null;
        if (validate)
        {
            if (packagePath is not null && !Directory.Exists(packagePath))
            {
                stderr.WriteLine($"registry map: cannot read the FHIR package folder {packagePath}: no such folder.");
                return null;
            }

            if (!File.Exists(Path.Combine(AppContext.BaseDirectory, "specification.zip")))
            {
                stderr.WriteLine("registry map: --validate-fhir needs the FHIR R4 specification (specification.zip) beside the tool; reinstall it.");
                return null;
            }

            options = new FhirMapOptions { CheckResource = new FhirValidation(packagePath).Check };
        }

        return FhirMapper.MapPathAsync(profile, inputPath, options, cancellationToken);
    }
}
