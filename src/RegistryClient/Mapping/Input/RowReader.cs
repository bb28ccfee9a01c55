namespace RegistryClient.Mapping;

/// <summary>Streams the rows of an input in the profile's format; the first row yielded is the header.</summary>
internal static class RowReader
{
    /// <param name="input">The export.</param>
    /// <param name="settings">The profile's input settings.</param>
    /// <param name="wanted">Given the header, which columns the profile uses (only those are decoded).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static IAsyncEnumerable<SourceRow> ReadAsync(Stream input, InputSettings settings, Func<string[], bool[]> wanted, CancellationToken cancellationToken) =>
        settings.Format switch
        {
            "jsonl" => JsonLinesRows.ReadAsync(input, settings, cancellationToken),
            "xlsx" => XlsxRows.ReadAsync(input, settings, wanted, cancellationToken),
            _ => CsvRows.ReadAsync(input, settings, wanted, cancellationToken),
        };
}

/// <summary>
/// A file or an in-memory buffer is read synchronously: on Linux an asynchronous file read is a thread-pool hop per
/// buffer, which cost half the CPU of a large mapping in thread-pool spinning; such reads never wait on a network.
/// Any other stream (a pipe, a socket, an HTTP body) is read asynchronously.
/// </summary>
internal static class LocalInput
{
    public static bool IsLocal(Stream input) => input is FileStream or MemoryStream or UnmanagedMemoryStream;
}
