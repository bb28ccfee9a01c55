using System.Text;
using RegistryClient.Mapping;

namespace RegistryClient.Tests.Mapping;

/// <summary>What a profile that leaves its input settings out reads: a comma-separated CSV, as the schema documents.</summary>
public sealed class ProfileDefaultsTests
{
    [Theory]
    [InlineData("", "csv", ",")]
    [InlineData(""" "input": { "format": "jsonl" }, """, "jsonl", ",")]
    [InlineData(""" "input": { "delimiter": ";" }, """, "csv", ";")]
    public void AbsentInputSettings_TakeTheirDefaults(string input, string format, string delimiter)
    {
        var (profile, errors) = MappingProfile.Load(Encoding.UTF8.GetBytes("{ " + input + """ "key": "id", "fields": { "/localRecordId": { "column": "id" } } }"""));

        Assert.Empty(errors);
        Assert.Equal(format, profile!.Input.Format);
        Assert.Equal(delimiter, profile.Input.Delimiter);
    }
}
