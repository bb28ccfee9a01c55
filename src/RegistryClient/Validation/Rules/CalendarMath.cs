namespace RegistryClient.Validation.Rules;

/// <summary>
/// Date arithmetic that cannot throw at the edges of the calendar: <c>9999-12-31</c> is a common "unknown date"
/// placeholder and <c>0001-01-01</c> a common default, and a rule must judge them, not crash on them.
/// </summary>
internal static class CalendarMath
{
    /// <summary><paramref name="date"/> plus <paramref name="days"/>, held to the calendar's first and last day.</summary>
    public static DateTime AddDays(DateTime date, int days) =>
        days >= 0
            ? (DateTime.MaxValue.Date - date).TotalDays < days ? DateTime.MaxValue.Date : date.AddDays(days)
            : (date - DateTime.MinValue).TotalDays < -days ? DateTime.MinValue : date.AddDays(days);

    /// <summary><paramref name="date"/> plus <paramref name="months"/>, held to the calendar's first and last day.</summary>
    public static DateTime AddMonths(DateTime date, int months)
    {
        var target = ((date.Year * 12) + date.Month - 1) + months;
        return target >= 10000 * 12 ? DateTime.MaxValue.Date : target < 12 ? DateTime.MinValue : date.AddMonths(months);
    }
}
