using System.CommandLine;
using RegistryClient.Cli;

// Only the sandbox needs ASP.NET Core: the other commands never load it (see AspNetCoreRuntime).
if (args is ["sandbox" or "demo", ..] && !AspNetCoreRuntime.TryRegister())
{
    await Console.Error.WriteLineAsync(AspNetCoreRuntime.MissingMessage(args[0]));
    return ExitCodes.UsageOrInput;
}

return await RegistryCommand.RunAsync(args, Console.Out, Console.Error);
