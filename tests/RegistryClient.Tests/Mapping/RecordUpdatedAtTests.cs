using System.Text;
using RegistryClient.Mapping;
using static RegistryClient.Tests.Mapping.MappingTestData;

namespace RegistryClient.Tests.Mapping;

/// <summary><c>/submitter/recordUpdatedAt</c> from an export column: offsets kept, local times placed in the profile's
/// time zone, and every cell that names no single instant a located error.</summary>
public sealed class RecordUpdatedAtTests
{
    private const string Pointer = "/submitter/recordUpdatedAt";

    private static MappingProfile ProfileWith(string fieldMap) => Profile($$"""
        { "key": "id", "fields": { "/localRecordId": { "column": "id" }, "{{Pointer}}": {{fieldMap}} } }
        """);

    private const string LondonLocal = """{ "column": "last_updated", "formats": ["yyyy-MM-dd HH:mm:ss", "dd/MM/yyyy HH:mm"], "timeZone": "Europe/London" }""";

    private static async Task<List<MappingResult>> MapCellsAsync(MappingProfile profile, params string[] cells) =>
        await MapAsync(profile, "id,last_updated\n" + string.Join("\n", cells.Select((c, i) => $"E{i + 1},{c}")) + "\n");

    private static string? Written(MappingResult result) => At(MappingTestData.Json(result), Pointer)?.GetValue<string>();

    [Theory]
    [InlineData("2026-11-25T14:30:00+01:00", "2026-11-25T14:30:00+01:00")]
    [InlineData("2026-11-25T14:30:00Z", "2026-11-25T14:30:00Z")]
    [InlineData("2026-11-25T14:30:00+00:00", "2026-11-25T14:30:00Z")]
    [InlineData("2026-11-25T14:30:00.500-05:00", "2026-11-25T14:30:00.5-05:00")]
    public async Task AValueWithItsOffset_KeepsIt_InTheCanonicalForm(string cell, string expected)
    {
        var results = await MapCellsAsync(ProfileWith("""{ "column": "last_updated" }"""), cell);

        Assert.Equal(expected, Written(Assert.Single(results)));
        Assert.Equal(DateTimeOffset.Parse(cell, System.Globalization.CultureInfo.InvariantCulture), results[0].Submission!.Submitter.RecordUpdatedAt);
    }

    [Fact]
    public async Task LocalTimes_TakeTheZonesOffset_SummerAndWinter_AndOffsetsStillWin()
    {
        var results = await MapCellsAsync(ProfileWith(LondonLocal), "2026-07-01 09:15:00", "25/11/2026 14:30", "2026-07-01T09:15:00+02:00");

        Assert.Equal(["2026-07-01T09:15:00+01:00", "2026-11-25T14:30:00Z", "2026-07-01T09:15:00+02:00"], results.Select(Written));
    }

    [Theory]
    [InlineData("29/03/2026 01:30", "does not exist in Europe/London")]  // the clocks go forward at 01:00
    [InlineData("25/10/2026 01:30", "happens twice in Europe/London")]   // and back at 02:00
    public async Task ALocalTimeTheClocksSkipOrRepeat_IsALocatedError_NeverAGuess(string cell, string message)
    {
        var result = Assert.Single(await MapCellsAsync(ProfileWith(LondonLocal), cell));

        Assert.False(result.IsMapped);
        var error = Assert.Single(result.Errors);
        Assert.Equal((2, "last_updated"), (error.Row, error.Column));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("01:30", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-11-25 14:30")]            // local, and the profile reads offsets only
    [InlineData("2026-11-25T14:30:00")]         // no offset
    [InlineData("2026-02-30T14:30:00Z")]
    [InlineData("2026-11-25T14:30:00+15:00")]
    public async Task AnUnreadableCell_IsALocatedError_WithoutItsValue(string cell)
    {
        var result = Assert.Single(await MapCellsAsync(ProfileWith("""{ "column": "last_updated" }"""), cell));

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, "last_updated"), (error.Row, error.Column));
        Assert.StartsWith("The cell is not a date and time in the form ", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(cell, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmptyCell_LeavesTheFieldOut()
    {
        var result = Assert.Single(await MapCellsAsync(ProfileWith(LondonLocal), ""));

        Assert.Null(At(MappingTestData.Json(result), Pointer));
        Assert.Null(result.Submission!.Submitter.RecordUpdatedAt);
    }

    [Theory]
    [InlineData("""{ "column": "last_updated" }""", "0001-01-01T00:00:00+01:00")]
    [InlineData(LondonLocal, "0001-01-01T00:00:00+01:00")]
    [InlineData(LondonLocal, "9999-12-31T23:59:59-01:00")]
    [InlineData("""{ "column": "last_updated", "format": "yyyy-MM-dd HH:mm:ss", "timeZone": "Etc/GMT-14" }""", "0001-01-01 00:00:00")]
    [InlineData("""{ "column": "last_updated", "format": "yyyy-MM-dd HH:mm:ss", "timeZone": "Etc/GMT+12" }""", "9999-12-31 23:59:59")]
    [InlineData("""{ "column": "last_updated", "format": "yyyy-MM-dd HH:mm:ss", "timeZone": "America/New_York" }""", "9999-12-31 23:59:59")]
    [InlineData("""{ "column": "last_updated", "format": "yyyy-MM-dd HH:mm:ss zzz" }""", "9999-12-31 23:59:59 -05:00")]
    public async Task TheCalendarsLimits_AreALocatedError_NeverAnException(string fieldMap, string cell)
    {
        var result = Assert.Single(await MapCellsAsync(ProfileWith(fieldMap), cell));

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, "last_updated"), (error.Row, error.Column));
        Assert.DoesNotContain(cell, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstDayOfTheCalendar_InAZoneWithHistory_MapsOrIsALocatedError()
    {
        var results = await MapCellsAsync(ProfileWith(LondonLocal), "0001-01-01 00:00:00", "9999-12-31 23:59:59");

        Assert.Equal(2, results.Count);
        Assert.All(results, result => Assert.True(result.IsMapped ? Written(result) is not null : result.Errors.All(e => e.Column == "last_updated")));
    }

    [Fact]
    public async Task AnOffsetFormat_ReadsTheCellsOwnOffset()
    {
        var results = await MapCellsAsync(ProfileWith("""{ "column": "last_updated", "format": "dd/MM/yyyy HH:mm zzz" }"""), "25/11/2026 14:30 +05:30");

        Assert.Equal("2026-11-25T14:30:00+05:30", Written(Assert.Single(results)));
    }

    [Fact]
    public async Task AConstant_IsWrittenInTheCanonicalForm()
    {
        var result = Assert.Single(await MapCellsAsync(ProfileWith("""{ "constant": "2026-11-25T14:30:00.000+00:00" }"""), ""));

        Assert.Equal("2026-11-25T14:30:00Z", Written(result));
    }

    [Theory]
    [InlineData("""{ "column": "last_updated", "format": "dd/MM/yyyy HH:mm" }""", "", "timeZone")]                        // local without a zone
    [InlineData("""{ "column": "last_updated", "formats": ["yyyy-MM-dd HH:mm:ss zzz", "dd/MM/yyyy HH:mm"] }""", "", "timeZone")]
    [InlineData("""{ "column": "last_updated", "format": "dd/MM/yyyy HH:mm", "timeZone": "Europe/Londres" }""", "/timeZone", "not a time zone")]
    [InlineData("""{ "column": "last_updated", "format": "dd/MM/yyyy HH:mm", "timeZone": "" }""", "/timeZone", "not a time zone")]
    [InlineData("""{ "column": "last_updated", "format": "dd/MM/yyyy hh:mm", "timeZone": "Europe/London" }""", "/format", "round-trip")] // 12-hour clock without tt
    [InlineData("""{ "column": "last_updated", "format": "dd/MM/yyyy", "timeZone": "Europe/London" }""", "/format", "round-trip")]       // no time at all
    [InlineData("""{ "column": "last_updated", "format": "yyyy-MM-ddTHH:mm:ssK" }""", "/format", "zzz")]
    [InlineData("""{ "constant": "2026-11-25 14:30" }""", "/constant", "UTC offset")]
    public void AProfileThatCannotNameOneInstant_IsRefusedAtLoad_AtItsLine(string fieldMap, string under, string message)
    {
        var json = "{\n  \"key\": \"id\",\n  \"fields\": {\n    \"/localRecordId\": { \"column\": \"id\" },\n    \"" + Pointer + "\": " + fieldMap + "\n  }\n}\n";

        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes(json));

        Assert.Null(profile);
        var error = Assert.Single(errors);
        Assert.Equal("/fields/~1submitter~1recordUpdatedAt" + under, error.Pointer);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public async Task AWorkbooksDateAndTime_IsALocalTime_InTheProfilesZone_AndADateFieldStillReadsItsDate()
    {
        var path = Path.Combine(Path.GetTempPath(), $"stamps-{Guid.NewGuid():N}.xlsx");
        using (var file = File.Create(path))
        using (var book = new RegistryClient.Tests.Mapping.Workbooks.WorkbookWriter(file, "Audit"))
        {
            book.WriteRow(["id", "proc", "last_updated"]);
            book.WriteRow(["E1", new DateTime(2024, 3, 7, 10, 5, 0), new DateTime(2024, 7, 1, 9, 15, 30)]);
            book.WriteRow(["E2", new DateTime(2024, 3, 7), new DateTime(2024, 11, 25, 14, 30, 0)]);
        }

        try
        {
            var fields = """
                "/localRecordId": { "column": "id" }, "/procedure/procedureDate": { "column": "proc" }, "/submitter/recordUpdatedAt": { "column": "last_updated" TZ }
                """;
            var input = """ "input": { "format": "xlsx" }, """;
            var zoned = Profile("{ \"key\": \"id\"," + input + " \"fields\": { " + fields.Replace("TZ", ", \"timeZone\": \"Europe/London\"") + " } }");
            var unzoned = Profile("{ \"key\": \"id\"," + input + " \"fields\": { " + fields.Replace("TZ", "") + " } }");

            var results = await MapFileAsync(zoned, path);
            var refused = await MapFileAsync(unzoned, path);

            Assert.Equal(["2024-07-01T09:15:30+01:00", "2024-11-25T14:30:00Z"], results.Select(Written));
            Assert.Equal("2024-03-07", At(MappingTestData.Json(results[0]), "/procedure/procedureDate")!.GetValue<string>());
            Assert.All(refused, r => Assert.Contains("timeZone", Assert.Single(r.Errors).Message, StringComparison.Ordinal));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<List<MappingResult>> MapFileAsync(MappingProfile profile, string path)
    {
        var results = new List<MappingResult>();
        await foreach (var result in ProfileMapper.MapFileAsync(profile, path))
        {
            results.Add(result);
        }

        return results;
    }

    [Fact]
    public void ATimeZoneOnAnotherField_IsRefusedAtLoad()
    {
        var (_, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes("""
            { "key": "id", "fields": { "/procedure/procedureDate": { "column": "d", "format": "dd/MM/yyyy", "timeZone": "Europe/London" } } }
            """));

        Assert.Equal("/fields/~1procedure~1procedureDate/timeZone", Assert.Single(errors).Pointer);
    }
}
