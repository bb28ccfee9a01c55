using System.Text;
using RegistryClient.Fhir;

namespace RegistryClient.Tests.Fhir;

public class FhirProfileTests
{
    [Fact]
    public void AFhirPathSyntaxError_IsReportedWhenTheProfileLoads_WithItsLine()
    {
        var (profile, errors) = FhirMappingProfile.Load(Encoding.UTF8.GetBytes("""
            {
              "input": { "format": "fhir" },
              "anchor": { "resourceType": "Procedure" },
              "fields": {
                "/localRecordId": { "fhirpath": "identifier.where(system = 'x'.value" }
              }
            }
            """));

        Assert.Null(profile);
        var error = Assert.Single(errors);
        Assert.Equal(5, error.Line);
        Assert.Equal("/fields/~1localRecordId/fhirpath", error.Pointer);
        Assert.StartsWith("The field's expression is not valid FHIRPath", error.Message);
    }

    [Fact]
    public void AFieldTheSchemaLacks_AndAnUnknownAnchorType_AreReportedByLine()
    {
        var (profile, errors) = FhirMappingProfile.Load(Encoding.UTF8.GetBytes("""
            {
              "input": { "format": "fhir" },
              "anchor": { "resourceType": "Procedur" },
              "fields": {
                "/localRecordId": { "fhirpath": "id" },
                "/patient/shoeSize": { "fhirpath": "id" }
              }
            }
            """));

        Assert.Null(profile);
        Assert.Contains(errors, e => e.Line == 3 && e.Pointer == "/anchor/resourceType");
        Assert.Contains(errors, e => e.Line == 6 && e.Pointer.StartsWith("/fields/~1patient~1shoeSize", StringComparison.Ordinal));
    }

    [Fact]
    public void TheSampleProfile_Loads()
    {
        Assert.Equal("Procedure", FhirTestData.SampleProfile().AnchorType);
    }
}

public class FhirProfileSchemaTests
{
    [Fact]
    public async Task TheSampleFhirProfile_ConformsToTheProfileSchema_AndTheCsvProfilesStillDo()
    {
        var schema = await NJsonSchema.JsonSchema.FromFileAsync(Path.Combine(Samples.RepositoryRoot, "schemas", "mapping-profile.v1.schema.json"));

        Assert.Empty(schema.Validate(File.ReadAllText(FhirTestData.ProfileFile)));
        foreach (var profile in Directory.GetFiles(Path.Combine(Samples.RepositoryRoot, "samples", "mappings"), "*.json"))
        {
            Assert.Empty(schema.Validate(File.ReadAllText(profile)));
        }

        // A CSV profile without its key is still refused.
        Assert.NotEmpty(schema.Validate("""{ "fields": { "/localRecordId": { "column": "id" } } }"""));
    }
}
