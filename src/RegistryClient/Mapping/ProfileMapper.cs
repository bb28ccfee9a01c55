using System.Runtime.CompilerServices;

namespace RegistryClient.Mapping;

/// <summary>
/// Maps an export (CSV, JSON lines or an .xlsx worksheet) to typed submissions with a <see cref="MappingProfile"/>.
/// Streams: one episode (its row, its column groups and the follow-up rows after it) is held at a time, so memory
/// stays flat however long the export. Follow-up rows must follow their episode's row (sort the export by the key).
/// Every column the profile names must be in the input's header, or nothing is mapped.
/// </summary>
/// <remarks>Mapping needs no clock: ages are counted to the procedure date, not to today.</remarks>
public static class ProfileMapper
{
    /// <summary>Maps every episode of the file at <paramref name="path"/>, in order; errors name the file.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static async IAsyncEnumerable<MappingResult> MapFileAsync(MappingProfile profile, string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, FileOptions.SequentialScan);
        await foreach (var result in MapCoreAsync(profile, stream, path, reuseDocuments: false, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>
    /// <see cref="MapFileAsync"/> for a caller that takes each document before asking for the next (<c>registry
    /// map</c> writes it out): a result's <see cref="MappingResult.Json"/> is valid only until the next result is asked
    /// for, because the documents' memory is reused. Reading <see cref="MappingResult.Submission"/> in that time is fine.
    /// </summary>
    internal static async IAsyncEnumerable<MappingResult> MapFileForWritingAsync(MappingProfile profile, string path, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (path is null)
        {
            throw new ArgumentNullException(nameof(path));
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 65536, FileOptions.SequentialScan);
        await foreach (var result in MapCoreAsync(profile, stream, path, reuseDocuments: true, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    /// <summary>Maps every episode of <paramref name="input"/>, in order.</summary>
    /// <param name="profile">A profile from <see cref="MappingProfile.Load"/>.</param>
    /// <param name="input">The export, in the profile's input format.</param>
    /// <param name="sourceName">The input's name in errors (default <c>input</c>).</param>
    /// <param name="cancellationToken">Cancels the mapping.</param>
    public static IAsyncEnumerable<MappingResult> MapAsync(MappingProfile profile, Stream input, string? sourceName = null,
        CancellationToken cancellationToken = default) => MapCoreAsync(profile, input, sourceName, reuseDocuments: false, cancellationToken);

    private static async IAsyncEnumerable<MappingResult> MapCoreAsync(MappingProfile profile, Stream input, string? sourceName, bool reuseDocuments,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (profile is null)
        {
            throw new ArgumentNullException(nameof(profile));
        }

        if (input is null)
        {
            throw new ArgumentNullException(nameof(input));
        }

        var source = sourceName ?? "input";
        var plan = FieldPlan.Compile(profile);
        var finisher = new Finisher(reuseDocuments);
        var full = false;
        void Emit(object item) => full |= finisher.Add(item);
        MapContext? context = null;
        Episode? current = null;
        var kind = profile.RowKind;
        await foreach (var row in RowReader.ReadAsync(input, profile.Input, _ => context!.Used, cancellationToken).ConfigureAwait(false))
        {
            if (full)
            {
                full = false;
                foreach (var batch in await finisher.RotateAsync(cancellationToken).ConfigureAwait(false))
                {
                    foreach (var result in batch.Results)
                    {
                        yield return result;
                    }

                    batch.Release();
                }
            }

            if (row.IsHeader)
            {
                var problems = row.Problem is { } problem ? [("", problem)]
                    : row.Values.Length == 0 ? [("", "The input is empty: it has no header row.")]
                    : HeaderCheck.Check(row.Values, plan.Columns());
                if (problems.Count > 0)
                {
                    yield return InputError(source, row.Row, problems);
                    yield break;
                }

                context = new MapContext(source, row.Values.ToArray(), plan.Bind(row.Values), profile.Input.Format == "xlsx" ? "xlsx" : profile.Input.Encoding ?? "utf-8");
                continue;
            }

            var rowKind = kind is null ? null : row.At(plan.RowKindColumn);
            var isFollowUp = kind is not null && row.Problem is null && rowKind == kind.FollowUp;
            if (kind is not null && row.Problem is null && !isFollowUp && rowKind != kind.Episode)
            {
                if (current is not null)
                {
                    Emit(current);
                    current = null;
                }

                Emit(Failed(source, row.Row, kind.Column, $"The row kind is neither '{kind.Episode}' (episode) nor '{kind.FollowUp}' (follow-up)."));
                continue;
            }

            if (isFollowUp)
            {
                if (current is null || current.Key != row.At(plan.KeyColumn))
                {
                    Emit(Failed(source, row.Row, profile.Key,
                        "This follow-up row is not under its episode's row (or its episode row failed to read); sort the export by this column."));
                    continue;
                }

                current.AddFollowUp(row);
                continue;
            }

            if (current is not null)
            {
                Emit(current);
            }

            current = new Episode(row, plan, context!);
        }

        if (current is not null)
        {
            Emit(current);
        }

        foreach (var batch in await finisher.DrainAsync().ConfigureAwait(false))
        {
            foreach (var result in batch.Results)
            {
                yield return result;
            }

            batch.Release();
        }
    }

    /// <summary>The header's problems. Not a lambda in the loop: its closure over the row was made for every row.</summary>
    private static MappingResult InputError(string source, int row, IReadOnlyList<(string Column, string Message)> problems) => new()
    {
        Source = source, Row = row, Rows = 0, IsInputError = true,
        Errors = problems.Select(p => new MappingError { Source = source, Row = row, Column = p.Column, Message = p.Message }).ToList(),
    };

    private static MappingResult Failed(string source, int row, string column, string message) =>
        new() { Source = source, Row = row, Errors = [new MappingError { Source = source, Row = row, Column = column, Message = message }] };
}
