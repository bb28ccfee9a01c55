using System.CommandLine;
using RegistryClient.Cli;

return await RegistryCommand.RunAsync(args, Console.Out, Console.Error);
