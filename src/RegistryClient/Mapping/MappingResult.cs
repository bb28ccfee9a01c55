using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>A mapping error, located by the input's name, its row and the column's name. Never repeats a cell's value.</summary>
/// <param name="Source">The input's name (its file path, or the name given to the mapper).</param>
/// <param name="Row">The row, as a spreadsheet numbers it (the CSV header is row 1; JSON lines count from 1).</param>
/// <param name="Column">The column, or empty for the row (or the input) as a whole.</param>
/// <param name="Message">What is wrong.</param>
public sealed record MappingError(string Source, int Row, string Column, string Message)
{
    /// <summary>The error as <c>source:row:column: message</c> (<c>*</c> for the whole row), the form editors and CI annotate.</summary>
    public override string ToString() => $"{Source}:{Row}:{(Column.Length == 0 ? "*" : Column)}: {Message}";
}

/// <summary>One episode's outcome: the submission, or the errors that kept it from being produced.</summary>
public sealed record MappingResult
{
    /// <summary>The input's name (its file path, or the name given to the mapper).</summary>
    public required string Source { get; init; }

    /// <summary>The episode's first row.</summary>
    public required int Row { get; init; }

    /// <summary>The submission, when every row of the episode mapped; null otherwise (never half-filled). Validate it
    /// with <see cref="Validation.SubmissionValidator"/> before sending.</summary>
    public Submission? Submission { get; init; }

    /// <summary>The errors, when any row of the episode failed.</summary>
    public IReadOnlyList<MappingError> Errors { get; init; } = [];

    /// <summary>How many input rows the episode used (itself and its follow-ups).</summary>
    public int Rows { get; init; } = 1;

    /// <summary>True when the input as a whole cannot be mapped (a profile column missing from the header, no header
    /// row, a byte order mark that contradicts the declared encoding, no such sheet): nothing was mapped and this is
    /// the only result.</summary>
    public bool IsInputError { get; init; }
}
