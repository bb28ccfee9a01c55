using System.Reflection;
using System.Text;

namespace RegistryClient.Model;

/// <summary>The submission JSON Schema (draft-04), embedded in the library from <c>schemas/venous-registry-submission.v1.schema.json</c>.</summary>
public static class SubmissionSchema
{
    internal const string ResourceName = "RegistryClient.Schemas.venous-registry-submission.v1.schema.json";

    /// <summary>The JSON Schema draft the document follows. The validator (NJsonSchema) ignores later keywords.</summary>
    public const string Draft = "http://json-schema.org/draft-04/schema#";

    /// <summary>Opens the schema as UTF-8 JSON. The caller disposes the stream.</summary>
    public static Stream OpenRead() =>
        typeof(SubmissionSchema).GetTypeInfo().Assembly.GetManifestResourceStream(ResourceName)
        ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from the RegistryClient assembly.");

    /// <summary>Reads the schema as text.</summary>
    public static string ReadText()
    {
        using var reader = new StreamReader(OpenRead(), Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
