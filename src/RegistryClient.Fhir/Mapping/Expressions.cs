using System.Globalization;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace RegistryClient.Fhir;

/// <summary>The FHIRPath compiler with the FHIR functions (<c>resolve()</c>, <c>extension()</c>, ...), and how its
/// results read as the text of a cell.</summary>
internal static class Expressions
{
    public static FhirPathCompiler CreateCompiler()
    {
        var symbols = new SymbolTable();
        symbols.AddStandardFP();
        symbols.AddFhirExtensions();
        return new FhirPathCompiler(symbols);
    }

    /// <summary>The text of one FHIRPath result, as a cell would hold it; null when the result is not a primitive
    /// (a Coding, a CodeableConcept, a resource), which the profile must narrow to a value (<c>.code</c>, <c>.value</c>).</summary>
    public static string? Text(PocoNode node, bool dateOnly)
    {
        var value = node.Poco is PrimitiveType primitive ? primitive.JsonValue : null;
        var text = value switch
        {
            null => null,
            string s => s,
            bool b => b ? "true" : "false",
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            decimal d => d.ToString(CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            DateTimeOffset t => t.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };

        // A dateTime where a date is expected: its date as written (in the source's own offset).
        return dateOnly && text is { Length: > 10 } && text[4] == '-' && text[10] == 'T' ? text.Substring(0, 10) : text;
    }
}
