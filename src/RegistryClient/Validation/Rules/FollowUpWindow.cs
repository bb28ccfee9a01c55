using RegistryClient.Model;

namespace RegistryClient.Validation.Rules;

/// <summary>
/// The window of each follow-up timepoint after the procedure (rule VR016): days30 14-60 days, months6 4-9 months,
/// months12 10-15 months, months24 21-30 months, both ends inclusive. Shared by the rule and by reconciliation, so the
/// follow-ups a report calls due are exactly the ones the rule accepts.
/// </summary>
internal static class FollowUpWindow
{
    /// <summary>
    /// The first and last day of <paramref name="timepoint"/>'s window for a procedure on <paramref name="procedureDate"/>.
    /// Saturates at the end of the calendar (a 9999-12-31 placeholder yields 9999-12-31) instead of throwing.
    /// </summary>
    public static (DateTime Start, DateTime End) Of(DateTime procedureDate, FollowUpTimepoint timepoint) => timepoint switch
    {
        FollowUpTimepoint.Days30 => (CalendarMath.AddDays(procedureDate, 14), CalendarMath.AddDays(procedureDate, 60)),
        FollowUpTimepoint.Months6 => (CalendarMath.AddMonths(procedureDate, 4), CalendarMath.AddMonths(procedureDate, 9)),
        FollowUpTimepoint.Months12 => (CalendarMath.AddMonths(procedureDate, 10), CalendarMath.AddMonths(procedureDate, 15)),
        _ => (CalendarMath.AddMonths(procedureDate, 21), CalendarMath.AddMonths(procedureDate, 30)),
    };

    /// <summary>The window in words, for messages: "14-60 days", "4-9 months"...</summary>
    public static string Describe(FollowUpTimepoint timepoint) => timepoint switch
    {
        FollowUpTimepoint.Days30 => "14-60 days",
        FollowUpTimepoint.Months6 => "4-9 months",
        FollowUpTimepoint.Months12 => "10-15 months",
        _ => "21-30 months",
    };
}
