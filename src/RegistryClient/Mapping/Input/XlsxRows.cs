using RegistryClient.Model;
using System.Globalization;
using System.Runtime.CompilerServices;
using ExcelDataReader;

namespace RegistryClient.Mapping;

/// <summary>
/// Streams the rows of one worksheet of an .xlsx workbook (ExcelDataReader: the sheet's XML is read row by row; the
/// shared strings are held in memory). Cells keep the type Excel stored: dates (cells with a date format) become
/// <c>yyyy-MM-dd</c>, numbers invariant digits, booleans TRUE or FALSE, each with its <see cref="CellKind"/>.
/// </summary>
internal static class XlsxRows
{
    public static async IAsyncEnumerable<SourceRow> ReadAsync(Stream input, InputSettings settings, Func<string[], bool[]> wanted,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var seekable = input;
        if (!input.CanSeek)
        {
            seekable = new MemoryStream();
            await input.CopyToAsync(seekable, 81920, cancellationToken).ConfigureAwait(false);
            seekable.Position = 0;
        }

        // Bounded before ExcelDataReader sees it: it would hold a decompression bomb's cells in memory (WorkbookGuard).
        var bounds = WorkbookBounds.Of(settings.Limits);
        var start = seekable.Position;
        if (WorkbookGuard.Check(seekable, bounds, cancellationToken) is { } refused)
        {
            yield return new SourceRow { Row = refused.Row, IsHeader = true, Problem = refused.Problem };
            yield break;
        }

        seekable.Position = start;
        var (reader, problem) = Open(seekable, settings.Sheet);
        if (reader is null)
        {
            yield return new SourceRow { Row = 1, IsHeader = true, Problem = problem };
            yield break;
        }

        using (reader)
        {
            var headerRow = settings.HeaderRow ?? 1;
            var number = 0;
            while (number < headerRow && Next(reader, out _))
            {
                number++;
            }

            if (number < headerRow)
            {
                yield return new SourceRow { Row = headerRow, IsHeader = true, Problem = $"The sheet has no row {headerRow} to read the column names from." };
                yield break;
            }

            var header = new string[reader.FieldCount];
            for (var i = 0; i < header.Length; i++)
            {
                header[i] = Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)?.Trim() ?? "";
            }

            yield return new SourceRow { Row = number, IsHeader = true, Values = header };
            var use = wanted(header);
            var row = new SourceRow { Values = new string[header.Length], Kinds = new CellKind[header.Length] };
            var damaged = false;
            while (Next(reader, out damaged))
            {
                cancellationToken.ThrowIfCancellationRequested();
                row.Row = ++number;
                row.ClearFaults();
                var empty = true;
                for (var i = 0; i < header.Length; i++)
                {
                    (row.Values[i], row.Kinds[i]) = use[i] && i < reader.FieldCount ? Cell(reader.GetValue(i)) : ("", CellKind.Text);
                    if (row.Kinds[i] == CellKind.Text && row.Values[i].Length > 0)
                    {
                        if (row.Values[i].Length > bounds.Cell)
                        {
                            row.Refuse(i, CellFault.TooLong);
                            empty = false;
                        }
                        else if (ControlCharacters.In(row.Values[i]))
                        {
                            row.Refuse(i, CellFault.ControlCharacter); // Excel writes one as _x0000_; never passed on
                            empty = false;
                        }
                    }

                    empty &= row.Values[i].Length == 0;
                }

                if (!empty)
                {
                    yield return row; // Excel leaves blank rows between and after the data; they hold nothing to map
                }
            }

            if (damaged)
            {
                yield return new SourceRow { Row = number + 1, Values = Enumerable.Repeat("", header.Length).ToArray(), Problem = "cannot be read: the sheet's XML is damaged from here on" };
            }
        }
    }

    /// <summary>The next row; false at the end, or when the sheet's XML turns out damaged (<paramref name="damaged"/>).</summary>
    private static bool Next(IExcelDataReader reader, out bool damaged)
    {
        damaged = false;
        try
        {
            return reader.Read();
        }
        catch (Exception ex) when (ex is System.Xml.XmlException or InvalidDataException or FormatException or InvalidCastException or IOException)
        {
            damaged = true;
            return false;
        }
    }

    private static (IExcelDataReader? Reader, string? Problem) Open(Stream input, string? sheet)
    {
        IExcelDataReader reader;
#if !NETFRAMEWORK
        // ExcelDataReader's configuration asks for code page 1252 (its fallback for legacy .xls/.csv) even for .xlsx;
        // .NET Framework has it built in, .NET needs the in-box code-page provider registered. Registering is
        // idempotent and only adds encodings to the process.
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
#endif
        try
        {
            reader = ExcelReaderFactory.CreateOpenXmlReader(input, new ExcelReaderConfiguration { LeaveOpen = true });
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return (null, "The input is not an .xlsx workbook (or it is damaged or password-protected).");
        }

        if (sheet is null)
        {
            return (reader, null);
        }

        var names = new List<string>();
        do
        {
            if (string.Equals(reader.Name, sheet, StringComparison.Ordinal))
            {
                return (reader, null);
            }

            names.Add(reader.Name);
        }
        while (reader.NextResult());

        reader.Dispose();
        var closest = HeaderCheck.Closest(sheet, names);
        return (null, $"The workbook has no sheet '{sheet}'{(closest is null ? "" : $"; the closest is '{closest}'")} (it has {string.Join(", ", names.Select(n => $"'{n}'"))}).");
    }

    private static (string Text, CellKind Kind) Cell(object? value) => value switch
    {
        null => ("", CellKind.Text),
        string text => (text.Trim(), CellKind.Text),
        // A date and time keeps its time (for date-time fields); date fields read only its first ten characters.
        DateTime date => (date.ToString(date.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture), CellKind.Date),
        bool flag => (flag ? "TRUE" : "FALSE", CellKind.Boolean),
        double number => (number % 1 == 0 && Math.Abs(number) < 1e15 ? ((long)number).ToString(CultureInfo.InvariantCulture) : number.ToString("R", CultureInfo.InvariantCulture), CellKind.Number),
        IConvertible other => (other.ToString(CultureInfo.InvariantCulture).Trim(), CellKind.Text),
        _ => (value.ToString() ?? "", CellKind.Text),
    };
}
