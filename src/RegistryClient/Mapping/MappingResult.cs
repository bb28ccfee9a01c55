using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>A mapping error, located by the input's name, its row and the column's name. Never repeats a cell's value.</summary>
/// <remarks>A class, so it can grow a member without breaking callers; two errors are equal only when they are the same object.</remarks>
public sealed class MappingError
{
    /// <summary>The input's name (its file path, or the name given to the mapper).</summary>
    public required string Source { get; init; }

    /// <summary>The row, as a spreadsheet numbers it (the CSV header is row 1; JSON lines count from 1).</summary>
    public required int Row { get; init; }

    /// <summary>The column, or empty for the row (or the input) as a whole.</summary>
    public required string Column { get; init; }

    /// <summary>What is wrong.</summary>
    public required string Message { get; init; }

    /// <summary>The error as <c>source:row:column: message</c> (<c>*</c> for the whole row), the form editors and CI annotate.</summary>
    public override string ToString() => $"{Source}:{Row}:{(Column.Length == 0 ? "*" : Column)}: {Message}";
}

/// <summary>
/// One episode's outcome: the submission (as the UTF-8 JSON the mapper wrote, and typed on demand), or the errors that
/// kept it from being produced. Never half-filled: an episode with any error has no submission at all.
/// </summary>
/// <remarks>
/// <see cref="Json"/> is the mapped document itself, so writing submissions out (to a file, an outbox or the registry)
/// costs no serialisation; <see cref="Submission"/> reads it into the typed model the first time it is asked for.
/// <see cref="ToString"/> names the episode by its location only, never by a value from the export.
/// </remarks>
public sealed class MappingResult
{
    private readonly ReadOnlyMemory<byte> _json;
    private Submission? _submission;

    /// <summary>The input's name (its file path, or the name given to the mapper).</summary>
    public required string Source { get; init; }

    /// <summary>The episode's first row.</summary>
    public required int Row { get; init; }

    /// <summary>The submission as UTF-8 JSON (no byte order mark, no line breaks), exactly as mapped; empty when the
    /// episode did not map. Validate it with <see cref="Validation.SubmissionValidator"/> before sending.</summary>
    public ReadOnlyMemory<byte> Json
    {
        get => _json.IsEmpty && _submission is { } submission ? SubmissionJson.SerializeToUtf8Bytes(submission) : _json;
        init => _json = value;
    }

    /// <summary>The submission, when every row of the episode mapped; null otherwise (never half-filled). Read from
    /// <see cref="Json"/> the first time it is asked for. Validate it with <see cref="Validation.SubmissionValidator"/>
    /// before sending.</summary>
    /// <exception cref="InvalidOperationException">The mapped document does not fit the typed model (a profile
    /// constant of the wrong shape that its checks at load could not see); <see cref="Json"/> still holds it.</exception>
    public Submission? Submission
    {
        get
        {
            if (_submission is null && !_json.IsEmpty)
            {
                try
                {
                    _submission = SubmissionJson.Deserialize(_json.Span);
                }
                catch (JsonException ex)
                {
                    throw new InvalidOperationException($"The episode at {Source} row {Row} mapped to a document that does not fit the submission model at {ex.Path ?? "its root"}.", ex);
                }
            }

            return _submission;
        }

        init => _submission = value;
    }

    /// <summary>True when the episode mapped: <see cref="Json"/> (and so <see cref="Submission"/>) holds its document.</summary>
    public bool IsMapped => !_json.IsEmpty || _submission is not null;

    /// <summary>The errors, when any row of the episode failed.</summary>
    public IReadOnlyList<MappingError> Errors { get; init; } = [];

    /// <summary>How many input rows the episode used (itself and its follow-ups).</summary>
    public int Rows { get; init; } = 1;

    /// <summary>True when the input as a whole cannot be mapped (a profile column missing from the header, no header
    /// row, a byte order mark that contradicts the declared encoding, no such sheet): nothing was mapped and this is
    /// the only result.</summary>
    public bool IsInputError { get; init; }

    /// <summary>The episode's location and outcome (<c>source:row: mapped</c> or the error count), never a value from the export.</summary>
    public override string ToString() =>
        $"{Source}:{Row}: " + (IsInputError ? "input error" : IsMapped ? $"mapped ({Rows} row(s))" : $"{Errors.Count} error(s) ({Rows} row(s))");
}
