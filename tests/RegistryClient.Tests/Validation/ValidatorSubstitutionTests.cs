using Microsoft.Extensions.DependencyInjection;
using RegistryClient.Validation;

namespace RegistryClient.Tests.Validation;

/// <summary>A consumer's test replaces the validator with one that gives the reports it needs, as it can the client.</summary>
public sealed class ValidatorSubstitutionTests
{
    [Fact]
    public async Task ASubstituteRegisteredFirst_IsTheValidatorTheContainerGives_AndEveryTextOverloadReachesIt()
    {
        var services = new ServiceCollection();
        var substitute = new RefusingValidator();
        services.AddSingleton<SubmissionValidator>(substitute);
        services.AddRegistryClient(o => (o.Endpoint, o.Token) = (new Uri("https://registry.example.org/"), "t"));
        using var provider = services.BuildServiceProvider();
        var validator = provider.GetRequiredService<SubmissionValidator>();
        var valid = await File.ReadAllTextAsync(Samples.ValidFiles.First());

        var fromText = await validator.ValidateAsync(valid);
        var fromStream = await validator.ValidateAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(valid)));

        Assert.Same(substitute, validator);
        Assert.Equal(["TEST"], fromText.Issues.Select(i => i.Code));
        Assert.False(fromStream.IsValid);
        Assert.Equal(2, substitute.Calls);
    }

    private sealed class RefusingValidator : SubmissionValidator
    {
        public int Calls { get; private set; }

        public override ValueTask<ValidationReport> ValidateAsync(ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
        {
            Calls++;
            return new(new ValidationReport([new ValidationIssue { Code = "TEST", Severity = ValidationSeverity.Error, Path = "", Message = "refused by the test", Source = "test" }]));
        }
    }
}
