using System.Text;

namespace RegistryClient.Model;

/// <summary>
/// Converts between the dataset's enumerations and their registry codes (the camelCase strings on the wire).
/// </summary>
public static class RegistryCode
{
    /// <summary>Returns the registry code of <paramref name="value"/>, for example <c>"inferiorVenaCava"</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is not a defined member.</exception>
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum
    {
        foreach (var entry in CodeTable<TEnum>.Entries)
        {
            if (EqualityComparer<TEnum>.Default.Equals(entry.Value, value))
            {
                return entry.Code;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a defined {typeof(TEnum).Name}.");
    }

    /// <summary>Parses a registry code exactly (case-sensitive, no numbers).</summary>
    public static bool TryParse<TEnum>(string? code, out TEnum value) where TEnum : struct, Enum
    {
        foreach (var entry in CodeTable<TEnum>.Entries)
        {
            if (string.Equals(entry.Code, code, StringComparison.Ordinal))
            {
                value = entry.Value;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>All registry codes of <typeparamref name="TEnum"/>, in declaration order.</summary>
    public static IReadOnlyList<string> All<TEnum>() where TEnum : struct, Enum => CodeTable<TEnum>.Codes;

    internal static string ToCode(string memberName) => char.ToLowerInvariant(memberName[0]) + memberName.Substring(1);
}

/// <summary>The immutable code table of one enumeration, built once per type.</summary>
internal static class CodeTable<TEnum> where TEnum : struct, Enum
{
    internal static readonly (TEnum Value, string Code, byte[] Utf8)[] Entries = Build();

    internal static readonly IReadOnlyList<string> Codes = Array.AsReadOnly(CodesOf(Entries));

    // Plain loops, not LINQ: LINQ over these value-type tuples is generic code that ReadyToRun does not precompile, so
    // every enumeration's table would be JIT-compiled at start-up (about 100 methods for `registry validate`).
    private static (TEnum, string, byte[])[] Build()
    {
        var values = (TEnum[])Enum.GetValues(typeof(TEnum));
        var entries = new (TEnum, string, byte[])[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var code = RegistryCode.ToCode(values[i].ToString());
            entries[i] = (values[i], code, Encoding.UTF8.GetBytes(code));
        }

        return entries;
    }

    private static string[] CodesOf((TEnum Value, string Code, byte[] Utf8)[] entries)
    {
        var codes = new string[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            codes[i] = entries[i].Code;
        }

        return codes;
    }
}

/// <summary>
/// Reads and writes an enumeration as its registry code. Stricter than <see cref="JsonStringEnumConverter"/>:
/// no integers, no case folding, no comma-separated flags, so that it accepts exactly what the schema's enum accepts.
/// </summary>
internal sealed class RegistryCodeConverter<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
{
    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadCode(ref reader);

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
        writer.WriteStringValue(RegistryCode.Of(value));

    internal static TEnum ReadCode(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            foreach (var entry in CodeTable<TEnum>.Entries)
            {
                if (reader.ValueTextEquals(entry.Utf8))
                {
                    return entry.Value;
                }
            }
        }

        throw new JsonException($"Expected one of the {typeof(TEnum).Name} codes: {string.Join(", ", CodeTable<TEnum>.Codes)}.");
    }
}

/// <summary>
/// Reads and writes a list of registry codes as System.Text.Json's own collection converter does: a JSON array whose
/// elements go through <see cref="RegistryCodeConverter{TEnum}"/>, read into a <see cref="List{T}"/>; null is the
/// serialiser's to handle, as before. It exists so that the composite ReadyToRun image precompiles it: the serialiser's
/// collection converter over an enumeration is generic code over a value type that the image lacks, so each list type
/// was JIT-compiled on every start (about 30 methods for <c>registry validate</c> on one document). Registered in
/// <see cref="RegistryJsonContext"/> for each list of codes in the model.
/// </summary>
/// <remarks>
/// The JSON read and written is the same; a <see cref="JsonException"/> from a malformed list differs slightly: its
/// path names the list rather than the element (<c>$.presentation.clotSegments</c>, not <c>...clotSegments[1]</c>), and a
/// value that is not an array is reported as not convertible to the containing type. The validator never shows these:
/// its schema errors and their pointers come from the schema authority.
/// </remarks>
internal sealed class RegistryCodeListConverter<TEnum> : JsonConverter<IReadOnlyList<TEnum>> where TEnum : struct, Enum
{
    public override IReadOnlyList<TEnum> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException(); // the serialiser adds its "could not be converted" message and the path
        }

        var list = new List<TEnum>();
        while (true)
        {
            if (!reader.Read())
            {
                throw new JsonException(); // not reached: the serialiser hands a converter the whole value
            }

            if (reader.TokenType == JsonTokenType.EndArray)
            {
                return list;
            }

            list.Add(RegistryCodeConverter<TEnum>.ReadCode(ref reader));
        }
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<TEnum> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var code in value)
        {
            writer.WriteStringValue(RegistryCode.Of(code));
        }

        writer.WriteEndArray();
    }
}
