using System.Globalization;
using System.Security;
using RegistryClient.Model;

namespace RegistryClient.Mapping;

/// <summary>
/// Reads the cells of a date-time field (<c>/submitter/recordUpdatedAt</c>) into the canonical RFC 3339 text of
/// <see cref="RecordTimestamp.Format"/>, so the mapper's document says exactly what the typed model serialises.
/// A cell in the RFC 3339 form with its offset (<c>2026-11-25T14:30:00+01:00</c>, <c>...Z</c>) is always accepted and
/// keeps its offset; the profile's formats add the export's own forms. A format without an offset (<c>zzz</c>) reads a
/// local time, which is placed in the profile's time zone: a local time the clocks skip or repeat there is an error,
/// never a guess.
/// </summary>
internal sealed class TimestampReader
{
    private static readonly string[] WorkbookForms = ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];

    private readonly string[] _formats;
    private readonly bool[] _local;
    private readonly TimeZoneInfo? _zone;
    private readonly string? _zoneId;

    public TimestampReader(string? format, IReadOnlyList<string>? formats, string? timeZone)
    {
        _formats = formats?.ToArray() ?? (format is null ? [] : [format]);
        _local = _formats.Select(IsLocal).ToArray();
        _zoneId = timeZone;
        _zone = timeZone is null ? null : FindZone(timeZone);
        Description = string.Join(" or ", new[] { "yyyy-MM-ddTHH:mm:ss with its UTC offset (Z or +hh:mm)" }.Concat(_formats));
    }

    /// <summary>The accepted forms, for error messages.</summary>
    public string Description { get; }

    /// <summary>Converts one cell (trimmed, not empty); <paramref name="error"/> completes "The cell ...".</summary>
    public Slot Read(string cell, CellKind kind, out string? error)
    {
        error = null;
        if (kind == CellKind.Date)
        {
            // A workbook's date and time is a clock reading without an offset (yyyy-MM-dd, or with THH:mm:ss).
            if (!DateTime.TryParseExact(cell, WorkbookForms, CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
            {
                error = "is not a date and time.";
                return default;
            }

            if (_zoneId is null)
            {
                error = "holds a workbook date and time, which has no UTC offset; name the export's time zone in the profile's timeZone.";
                return default;
            }

            return InZone(clock, out error);
        }

        if (kind == CellKind.Number)
        {
            error = "holds a number where a date and time is expected; format the column as dates and times in the workbook.";
            return default;
        }

        if (RecordTimestamp.TryParse(cell, out var stamped))
        {
            return Slot.Of(RecordTimestamp.Format(stamped));
        }

        for (var i = 0; i < _formats.Length; i++)
        {
            if (_local[i])
            {
                if (DateTime.TryParseExact(cell, _formats[i], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                {
                    return InZone(local, out error);
                }
            }
            else if (DateTimeOffset.TryParseExact(cell, _formats[i], CultureInfo.InvariantCulture, DateTimeStyles.None, out var withOffset))
            {
                return Slot.Of(RecordTimestamp.Format(withOffset));
            }
        }

        error = $"is not a date and time in the form {Description}.";
        return default;
    }

    /// <summary>A local clock reading as the instant it names in the profile's zone, written with that zone's offset then.</summary>
    private Slot InZone(DateTime local, out string? error)
    {
        error = null;
        if (_zone is null)
        {
            error = $"is a local time, and the profile's timeZone '{_zoneId}' is not a time zone this machine knows.";
            return default;
        }

        try
        {
            if (_zone.IsInvalidTime(local))
            {
                error = $"is a local time that does not exist in {_zoneId} (the clocks went forward then); correct it, or export the column with its UTC offset.";
                return default;
            }

            if (_zone.IsAmbiguousTime(local))
            {
                error = $"is a local time that happens twice in {_zoneId} (the clocks went back then), so it cannot say which; export the column with its UTC offset.";
                return default;
            }

            var offset = _zone.GetUtcOffset(local);
            var utcTicks = local.Ticks - offset.Ticks;
            if (offset.Ticks % TimeSpan.TicksPerMinute != 0 || utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            {
                error = $"is a local time that cannot be placed on the calendar in {_zoneId} (too near year 1 or 9999, or before the zone kept standard time).";
                return default;
            }

            return Slot.Of(RecordTimestamp.Format(new DateTimeOffset(local, offset)));
        }
        catch (ArgumentException)
        {
            // TimeZoneInfo's rules for the first and last days of the calendar can fail with their own range errors.
            error = $"is a local time that cannot be placed on the calendar in {_zoneId}.";
            return default;
        }
    }

    /// <summary>Whether a .NET date-time format reads a local time: it has no offset specifier (z, zz, zzz) outside quotes.</summary>
    public static bool IsLocal(string format) => !HasSpecifier(format, 'z');

    /// <summary>Whether <paramref name="letter"/> appears in <paramref name="format"/> as a specifier, not inside a quoted literal or after a backslash.</summary>
    public static bool HasSpecifier(string format, char letter)
    {
        char? quote = null;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (quote is { } open)
            {
                if (c == open)
                {
                    quote = null;
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '\\')
            {
                i++;
            }
            else if (c == letter)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The system time zone of an IANA id (or, where the platform has them, a Windows id); null when there is none.</summary>
    public static TimeZoneInfo? FindZone(string id)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Trim() != id)
        {
            return null;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException or SecurityException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
