namespace RegistryClient.Cli;

/// <summary>The exit codes of DESIGN.md, which CI pipelines branch on.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int Failures = 1;
    public const int UsageOrInput = 2;
}
