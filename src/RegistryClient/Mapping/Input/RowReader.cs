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
