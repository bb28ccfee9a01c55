using RegistryClient.Model;

namespace RegistryClient.Validation.Schema;

/// <summary>
/// The fast path's mirror of the schema constraints that the typed model cannot carry (ranges, lengths, patterns,
/// uniqueness, the draft-04 conditionals). Deserialisation already enforced types, required properties, unknown
/// properties, codes and dates. It answers only "certainly conforms" or "look closer": on false the validator asks
/// NJsonSchema, the schema authority, for the located errors. It may be stricter than the schema, never laxer.
/// </summary>
internal static class SchemaConstraints
{
    public static bool Conform(Submission s) =>
        IsComplete(s)
        && s.SchemaVersion == Submission.CurrentSchemaVersion
        && IsLocalRecordId(s.LocalRecordId)
        && Conform(s.Submitter) && Conform(s.Patient) && Conform(s.Presentation) && Conform(s.Governance)
        && Conform(s.Procedure) && (s.Outcome is null || Conform(s.Outcome))
        && (s.FollowUps is null || (s.FollowUps.Count <= 4 && s.FollowUps.All(Conform)));

    /// <summary>
    /// Whether the typed model can carry the rules: System.Text.Json's nullable annotations do not reach list elements,
    /// so <c>"followUps": [null]</c> deserialises with a null element (the schema reports it; the rules must not see it).
    /// </summary>
    public static bool IsComplete(Submission s) =>
        (s.Outcome is null || s.Outcome.Complications.All(c => c is not null))
        && (s.FollowUps is null || s.FollowUps.All(f => f is not null));

    private static bool Conform(Submitter s) =>
        IsOrganisationCode(s.OrganisationCode) && OptionalText(s.SoftwareName, 1, 64) && OptionalText(s.SoftwareVersion, 1, 64);

    private static bool Conform(Patient p) =>
        (p.NhsNumber is null || (p.NhsNumber.Length == 10 && p.NhsNumber.All(IsDigit)))
        && (p.Pseudonym is null || (p.Pseudonym.Length == 64 && p.Pseudonym.All(IsLowerHex)))
        && p.AgeAtProcedure is >= 16 and <= 110;

    private static bool Conform(Presentation p) =>
        p.ClotSegments.Count is >= 1 and <= 8 && Unique(p.ClotSegments)
        && (p.RiskFactors is null || Unique(p.RiskFactors))
        && (p.SymptomSeverity.Villalta is null || Conform(p.SymptomSeverity.Villalta));

    private static bool Conform(VillaltaScore v) =>
        Item(v.Pain) && Item(v.Cramps) && Item(v.Heaviness) && Item(v.Paraesthesia) && Item(v.Pruritus)
        && Item(v.PretibialOedema) && Item(v.SkinInduration) && Item(v.Hyperpigmentation) && Item(v.Redness)
        && Item(v.VenousEctasia) && Item(v.PainOnCalfCompression) && v.Total is >= 0 and <= 33;

    private static bool Conform(Governance g) =>
        (g.MdtSpecialties is null || Unique(g.MdtSpecialties))
        && (g.ResearchStudy is null || Text(g.ResearchStudy.Identifier, 1, 64));

    private static bool Conform(Procedure p) =>
        p.AccessVeins.Count >= 1 && Unique(p.AccessVeins)
        && p.ImagingGuidance.Count >= 1 && Unique(p.ImagingGuidance)
        && Text(p.Device.Name, 1, 100) && Text(p.Device.Manufacturer, 1, 100)
        && (p.Thrombolysis.Timing == ThrombolysisTiming.None || p.Thrombolysis.Agent is not null)
        && (p.Thrombolysis.TotalDoseMg is null || p.Thrombolysis.TotalDoseMg is > 0 and <= 100)
        && p.Adjunct.StentedSegments.Count <= 8 && Unique(p.Adjunct.StentedSegments)
        && (p.FluoroscopyTimeMinutes is null || p.FluoroscopyTimeMinutes is >= 0 and <= 600)
        && (p.ContrastVolumeMl is null || p.ContrastVolumeMl is >= 0 and <= 1000);

    private static bool Conform(Outcome o) =>
        o.ThrombusRemovedPercent is >= 0 and <= 100
        && o.Complications.All(c => OptionalText(c.Description, 1, 500))
        && o.Anticoagulation.PlannedDurationMonths is >= 0 and <= 120;

    private static bool Conform(FollowUp f) =>
        (f.VillaltaTotal is null || f.VillaltaTotal is >= 0 and <= 33)
        && (f.QualityOfLife is null || Conform(f.QualityOfLife));

    private static bool Conform(QualityOfLife q) =>
        q.Instrument == QualityOfLifeInstrument.Eq5d5l ? q.Score is >= -0.6 and <= 1 : q.Score is >= 0 and <= 100;

    /// <summary>Whether <paramref name="id"/> matches the schema's <c>localRecordId</c> pattern and length: only such an
    /// id is ever printed (a mis-mapped field may hold an NHS number and a date of birth).</summary>
    internal static bool IsLocalRecordId(string id) =>
        Length(id, 1, 64) && id.All(c => c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '.' or '_' or '-');

    private static bool IsOrganisationCode(string code) =>
        code.Length is 3 or 5 && code.All(c => c is (>= 'A' and <= 'Z') or (>= '0' and <= '9'));

    private static bool Item(int value) => value is >= 0 and <= 3;

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private static bool IsLowerHex(char c) => c is (>= '0' and <= '9') or (>= 'a' and <= 'f');

    private static bool Length(string value, int min, int max) => TextLength.IsWithin(value, min, max);

    /// <summary>Free text: its length, and no control character but tab, CR and LF (the schema's text pattern).</summary>
    private static bool Text(string value, int min, int max) => Length(value, min, max) && !ControlCharacters.In(value);

    private static bool OptionalText(string? value, int min, int max) => value is null || Text(value, min, max);

    private static bool Unique<T>(IReadOnlyList<T> items) where T : struct, Enum
    {
        // Enumerations here have at most 12 members: a bit set beats a HashSet.
        var seen = 0L;
        foreach (var item in items)
        {
            var value = item;
            var bit = 1L << System.Runtime.CompilerServices.Unsafe.As<T, int>(ref value);
            if ((seen & bit) != 0)
            {
                return false;
            }

            seen |= bit;
        }

        return true;
    }
}
