namespace RegistryClient.Tests;

/// <summary>
/// Tests that start processes (registry, dotnet pack/build, Chromium), mount tmpfs disks or pack packages: run one at a
/// time, in no parallel with each other, so on a 2-core CI machine they do not starve each other into timeouts. Tests
/// outside this collection still run alongside them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ExternalResources
{
    public const string Name = "External processes, tmpfs and packing";
}
