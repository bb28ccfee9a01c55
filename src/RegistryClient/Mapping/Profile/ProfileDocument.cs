using System.Text.Json.Serialization.Metadata;
using RegistryClient.Validation.Json;

namespace RegistryClient.Mapping;

/// <summary>
/// What every profile's loader shares (mapping, activity and FHIR profiles): the JSON read whole, a reader error at its
/// line and column, an empty document refused, and a checker's errors placed at the line of their pointer.
/// </summary>
internal static class ProfileDocument
{
    public static async Task<byte[]> ReadAsync(Stream json, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await json.CopyToAsync(buffer, 81920, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>The profile as read, with the locations of its pointers; or the one error that stopped the reading.</summary>
    public static (T? Value, JsonLocations Locations, ProfileError? Error) Read<T>(byte[] utf8, JsonTypeInfo<T> type)
        where T : class
    {
        var locations = JsonLocations.Build(utf8, 64);
        T? value;
        try
        {
            value = JsonSerializer.Deserialize(utf8, type);
        }
        catch (JsonException ex)
        {
            var (line, column) = ex.LineNumber is { } l ? locations.OfReaderError(l, ex.BytePositionInLine ?? 0) : (1, 1);
            var message = ex.Message.Split(new[] { " Path:", " LineNumber:" }, StringSplitOptions.None)[0];
            return (null, locations, new ProfileError { Line = line, Column = column, Pointer = "", Message = message });
        }

        return value is null
            ? (null, locations, new ProfileError { Line = 1, Column = 1, Pointer = "", Message = "The profile is empty." })
            : (value, locations, null);
    }

    /// <summary>An error at <paramref name="pointer"/>, with the line and column the pointer has in the profile.</summary>
    public static ProfileError At(JsonLocations locations, string pointer, string message)
    {
        var (line, column) = locations.Of(pointer);
        return new ProfileError { Line = line, Column = column, Pointer = pointer, Message = message };
    }
}
