using System.Globalization;
using RegistryClient.Mapping;
using RegistryClient.Model;

namespace RegistryClient.Reconciliation;

/// <summary>
/// Reads a coded activity extract (CSV or .xlsx, through the mapping readers: encodings, quoting, sheets) with an
/// <see cref="ActivityProfile"/>, keeping the rows whose codes count as PMT for acute leg DVT. A coded row that cannot be
/// read (no reference, an NHS number failing its check, a date off the calendar, an unknown side, a reference used
/// twice) is a located error that never repeats the cell's value; rows without a PMT code are not looked at further.
/// </summary>
internal static class ActivityExtract
{
    public sealed class Result
    {
        public List<CodedEpisode> Episodes { get; } = [];

        public List<MappingError> Errors { get; } = [];

        /// <summary>Data rows read, coded or not.</summary>
        public int Rows { get; set; }
    }

    public static async Task<Result> ReadAsync(ActivityProfile profile, Stream input, string source, CancellationToken cancellationToken)
    {
        var result = new Result();
        var pmt = profile.PmtCodes!.All();
        var columns = profile.Columns().ToList();
        int[] codeAt = [];
        int referenceAt = -1, patientAt = -1, dateAt = -1, sideAt = -1;
        var formats = DateFormats.Of(profile.ProcedureDate!.Format, profile.ProcedureDate.Formats);
        var firstRow = new Dictionary<string, int>(StringComparer.Ordinal);
        bool[] Wanted(string[] header) => header.Select(h => columns.Contains(h.Trim(), StringComparer.Ordinal)).ToArray();

        await foreach (var row in RowReader.ReadAsync(input, profile.Input, Wanted, cancellationToken).ConfigureAwait(false))
        {
            if (row.IsHeader)
            {
                if (row.Problem is not null)
                {
                    result.Errors.Add(new MappingError { Source = source, Row = row.Row, Column = "", Message = row.Problem });
                    return result;
                }

                var problems = HeaderCheck.Check(row.Values, columns);
                if (problems.Count > 0)
                {
                    result.Errors.AddRange(problems.Select(p => new MappingError { Source = source, Row = row.Row, Column = p.Column, Message = p.Message.Replace("Nothing was mapped.", "Nothing was compared.") }));
                    return result;
                }

                var header = row.Values.Select(h => h.Trim()).ToList();
                int At(string? column) => column is null ? -1 : header.IndexOf(column);
                referenceAt = At(profile.Reference);
                patientAt = At(profile.NhsNumber ?? profile.Pseudonym);
                dateAt = At(profile.ProcedureDate.Column);
                sideAt = At(profile.Side?.Column);
                codeAt = profile.CodeColumns!.Select(c => At(c)).ToArray();
                continue;
            }

            result.Rows++;
            if (row.Problem is not null)
            {
                result.Errors.Add(new MappingError { Source = source, Row = row.Row, Column = "", Message = "The row " + row.Problem + "." });
                continue;
            }

            // A code cell that cannot be decoded might hold a PMT code: skipping the row would hide that patient.
            if (row.Undecodable is { Count: > 0 } undecodable && undecodable.Where(i => codeAt.Contains(i)).DefaultIfEmpty(-1).First() is var codeCell and >= 0)
            {
                result.Errors.Add(new MappingError { Source = source, Row = row.Row, Column = profile.CodeColumns![Array.IndexOf(codeAt, codeCell)], Message = "The cell has bytes that are not valid in the extract's encoding; declare it in input.encoding." });
                continue;
            }

            if (!IsCoded(row, codeAt, profile.CodeSplit, pmt))
            {
                continue;
            }

            void Error(int column, string message) => result.Errors.Add(new MappingError { Source = source, Row = row.Row, Column = column < 0 ? "" : HeaderName(profile, column, referenceAt, patientAt, dateAt, sideAt), Message = message });
            if (row.Undecodable is { Count: > 0 } bad && bad.Any(i => i == referenceAt || i == patientAt || i == dateAt || i == sideAt))
            {
                Error(bad.First(i => i == referenceAt || i == patientAt || i == dateAt || i == sideAt), "The cell has bytes that are not valid in the extract's encoding; declare it in input.encoding.");
                continue;
            }

            var reference = row.At(referenceAt);
            var failed = false;
            if (reference.Length == 0)
            {
                Error(referenceAt, "A coded row has no reference: reports name activity episodes by it.");
                failed = true;
            }
            else if (firstRow.TryGetValue(reference, out var first))
            {
                // The reference is the activity's own row id, not a patient identifier, so naming the rows is safe.
                Error(referenceAt, $"The reference of this coded row is also that of row {first}: each coded episode needs its own.");
                failed = true;
            }
            else
            {
                firstRow[reference] = row.Row;
            }

            string? nhs = null, pseudonym = null;
            var patient = row.At(patientAt);
            if (profile.NhsNumber is not null)
            {
                var normalised = NhsNumber.Normalise(patient);
                if (!NhsNumber.IsValid(normalised))
                {
                    Error(patientAt, patient.Length == 0 ? "A coded row has no NHS number." : "The NHS number is not 10 digits passing the modulus 11 check.");
                    failed = true;
                }

                nhs = normalised;
            }
            else
            {
                if (patient.Length != 64 || patient.Any(c => c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))))
                {
                    Error(patientAt, "The pseudonym is not 64 lower-case hexadecimal digits.");
                    failed = true;
                }

                pseudonym = patient;
            }

            var dateText = row.At(dateAt);
            DateTime date = default;
            var isDate = row.KindAt(dateAt) == CellKind.Date
                ? DateTime.TryParseExact(dateText.Substring(0, Math.Min(10, dateText.Length)), DateFormats.Iso, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
                : DateFormats.TryParse(dateText, formats, out date);
            if (!isDate)
            {
                Error(dateAt, dateText.Length == 0 ? "A coded row has no procedure date." : $"The procedure date is not a date in the form {string.Join(" or ", formats)}.");
                failed = true;
            }

            Side? side = null;
            if (sideAt >= 0 && row.At(sideAt) is { Length: > 0 } sideText)
            {
                var mapped = profile.Side!.Values is { } values
                    ? values.FirstOrDefault(v => string.Equals(v.Key, sideText, StringComparison.OrdinalIgnoreCase)).Value
                    : sideText;
                if (ActivitySide.TryRegistry(mapped, out var s))
                {
                    side = s;
                }
                else
                {
                    Error(sideAt, profile.Side.Values is null
                        ? "The side is not L, R, B, left, right or bilateral; map the extract's codes in side.values."
                        : "The side is not one of the codes in side.values.");
                    failed = true;
                }
            }

            if (!failed)
            {
                result.Episodes.Add(new CodedEpisode { Reference = reference, NhsNumber = nhs, Pseudonym = pseudonym, ProcedureDate = date.Date, Side = side });
            }
        }

        return result;
    }

    private static bool IsCoded(SourceRow row, int[] codeAt, string? split, HashSet<string> pmt)
    {
        foreach (var column in codeAt)
        {
            var cell = row.At(column);
            if (cell.Length == 0)
            {
                continue;
            }

            foreach (var code in split is null ? [cell] : cell.Split(split[0]))
            {
                if (pmt.Contains(PmtCodes.Normalise(code.Trim())))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static string HeaderName(ActivityProfile profile, int column, int referenceAt, int patientAt, int dateAt, int sideAt) =>
        column == referenceAt ? profile.Reference!
        : column == patientAt ? (profile.NhsNumber ?? profile.Pseudonym)!
        : column == dateAt ? profile.ProcedureDate!.Column!
        : column == sideAt ? profile.Side!.Column!
        : "";
}
