using RegistryClient.Cli.Sandbox;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Testing;

/// <summary>
/// Where the sandbox listens by default: in-process on a free port (so test classes running side by side never collide),
/// from the command on 5080 (the port the README's rehearsal and the worker sample name).
/// </summary>
public sealed class SandboxPortTests
{
    [Fact]
    public async Task DefaultOptions_TwoSandboxesSideBySide_EachGetsItsOwnFreePort()
    {
        await using var first = await SandboxServer.StartAsync(new SandboxOptions());
        await using var second = await SandboxServer.StartAsync(new SandboxOptions());

        Assert.NotEqual(first.BaseAddress.Port, second.BaseAddress.Port);
        Assert.DoesNotContain(5080, new[] { first.BaseAddress.Port, second.BaseAddress.Port });
    }

    [Fact]
    public void Command_WithoutPort_ListensOn5080()
    {
        var command = SandboxCommand.Create(TextWriter.Null, TextWriter.Null);

        var parse = command.Parse([]);

        Assert.Empty(parse.Errors);
        Assert.Equal(5080, parse.GetValue<int>("--port"));
    }
}
