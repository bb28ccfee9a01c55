using System.Text;
using System.Text.Json.Nodes;
using RegistryClient.Mapping;

namespace RegistryClient.Tests.Mapping;

internal static class MappingTestData
{
    public static string ProfileFile => Path.Combine(Samples.RepositoryRoot, "samples", "mappings", "ris-export.profile.json");

    public static string ExportFile => Path.Combine(Samples.RepositoryRoot, "samples", "exports", "ris-export.csv");

    public static MappingProfile SampleProfile()
    {
        var (profile, errors) = MappingProfile.Load(File.ReadAllBytes(ProfileFile));
        Assert.Empty(errors);
        return profile!;
    }

    /// <summary>Loads a test profile, first giving a constant to every required field it leaves unmapped, so that a
    /// test maps only the columns it is about and still gets a typed submission.</summary>
    public static MappingProfile Profile(string json)
    {
        var profile = JsonNode.Parse(json)!.AsObject();
        var fields = profile["fields"]!.AsObject();
        Complete(fields, EpisodeDefaults, profile["dateOfBirth"] is not null);
        if (fields.Any(f => f.Key.StartsWith("/outcome/", StringComparison.Ordinal)))
        {
            Complete(fields, OutcomeDefaults, false);
        }
        if (profile["followUpFields"] is JsonObject followUps)
        {
            Complete(followUps, FollowUpDefaults, false);
        }

        return Load(profile.ToJsonString());
    }

    public static MappingProfile Load(string json)
    {
        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes(json));
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return profile!;
    }

    private static readonly (string Pointer, string Constant)[] EpisodeDefaults =
    [
        ("/localRecordId", "\"T1\""), ("/submitter/organisationCode", "\"RJ1\""), ("/patient/nhsNumber", "\"9990000018\""),
        ("/patient/ageAtProcedure", "50"), ("/patient/sex", "\"female\""),
        ("/presentation/side", "\"left\""), ("/presentation/symptomOnsetDate", "\"2024-01-01\""), ("/presentation/diagnosisDate", "\"2024-01-02\""),
        ("/presentation/clotSegments", "[\"commonFemoral\"]"), ("/presentation/symptomSeverity/grade", "\"mild\""),
        ("/presentation/symptomSeverity/phlegmasia", "\"none\""), ("/presentation/pulmonaryEmbolismAtPresentation", "false"),
        ("/governance/mdtAssessed", "true"), ("/governance/governanceLeadInformed", "true"), ("/governance/writtenInformationProvided", "true"),
        ("/governance/consentRecorded", "true"), ("/procedure/procedureDate", "\"2024-01-03\""), ("/procedure/anaesthesia", "\"local\""),
        ("/procedure/accessVeins", "[\"popliteal\"]"), ("/procedure/imagingGuidance", "[\"ultrasound\"]"), ("/procedure/device/name", "\"AngioJet\""),
        ("/procedure/device/manufacturer", "\"Boston Scientific\""), ("/procedure/device/mechanism", "\"rheolytic\""),
        ("/procedure/thrombolysis/timing", "\"none\""), ("/procedure/thrombolysis/contraindicated", "false"), ("/procedure/ivcFilter/placed", "false"),
        ("/procedure/adjunct/angioplasty", "false"), ("/procedure/adjunct/stentedSegments", "[]"),
    ];

    private static readonly (string Pointer, string Constant)[] OutcomeDefaults =
    [
        ("/outcome/thrombusRemovedPercent", "90"), ("/outcome/thrombusRemovalGrade", "\"grade3\""), ("/outcome/dischargeDate", "\"2024-01-05\""),
        ("/outcome/anticoagulation/agent", "\"doac\""), ("/outcome/anticoagulation/plannedDurationMonths", "6"),
    ];

    private static readonly (string Pointer, string Constant)[] FollowUpDefaults =
    [
        ("/timepoint", "\"days30\""), ("/assessmentDate", "\"2024-02-05\""), ("/patency", "\"patent\""), ("/rethrombosis", "false"), ("/pulmonaryEmbolism", "false"),
    ];

    private static void Complete(JsonObject fields, (string Pointer, string Constant)[] defaults, bool hasDateOfBirth)
    {
        foreach (var (pointer, constant) in defaults)
        {
            if (!fields.ContainsKey(pointer) && !(hasDateOfBirth && pointer == "/patient/ageAtProcedure"))
            {
                fields[pointer] = new JsonObject { ["constant"] = JsonNode.Parse(constant) };
            }
        }
    }

    public static Task<List<MappingResult>> MapAsync(MappingProfile profile, string input) => MapAsync(profile, Encoding.UTF8.GetBytes(input));

    public static async Task<List<MappingResult>> MapAsync(MappingProfile profile, byte[] input)
    {
        var results = new List<MappingResult>();
        await foreach (var result in ProfileMapper.MapAsync(profile, new MemoryStream(input)))
        {
            results.Add(result);
        }

        return results;
    }

    public static JsonNode? At(JsonObject document, string pointer) => TestJson.At(document, pointer);

    /// <summary>The mapped submission as JSON (the document `registry map` writes), for pointer lookups; checked to say
    /// exactly what the typed <see cref="MappingResult.Submission"/> says.</summary>
    public static JsonObject Json(MappingResult result)
    {
        Assert.True(result.IsMapped, string.Join("\n", result.Errors));
        var written = JsonNode.Parse(result.Json.Span.ToArray())!.AsObject();
        var typed = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(result.Submission, RegistryClient.Model.RegistryJsonContext.Default.Submission));
        Assert.True(JsonNode.DeepEquals(written, typed), $"the mapped JSON and the typed submission differ:\n{written.ToJsonString()}\n{typed!.ToJsonString()}");
        return written;
    }
}
