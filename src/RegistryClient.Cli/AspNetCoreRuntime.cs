using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace RegistryClient.Cli;

/// <summary>
/// The ASP.NET Core shared framework, loaded on demand. Only <c>sandbox</c> and <c>demo</c> need it (the sandbox is an
/// ASP.NET Core app), so the framework-dependent tool does not name it in its runtimeconfig: <c>validate</c>, <c>map</c>,
/// <c>submit</c> and <c>report</c> start without it being installed. Self-contained builds carry it in their own folder.
/// </summary>
internal static class AspNetCoreRuntime
{
    private const string Name = "Microsoft.AspNetCore.App";

    /// <summary>
    /// Lets the commands that need ASP.NET Core load it from the installed shared framework, when the tool was not built
    /// with it. False when it is neither in the tool's folder nor installed beside the running .NET runtime.
    /// </summary>
    public static bool TryRegister()
    {
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.AspNetCore.dll")) || IsTrustedPlatformAssembly("Microsoft.AspNetCore.dll"))
        {
            return true;
        }

        if (FindSharedFramework() is not { } directory)
        {
            return false;
        }

        AssemblyLoadContext.Default.Resolving += (context, name) =>
        {
            var candidate = Path.Combine(directory, name.Name + ".dll");
            return File.Exists(candidate) ? context.LoadFromAssemblyPath(candidate) : null;
        };
        return true;
    }

    /// <summary>The command needs ASP.NET Core: print how to get it.</summary>
    public static string MissingMessage(string command) =>
        $"registry {command}: needs the ASP.NET Core {Environment.Version.Major} runtime ({Name}), which is not installed. Install it, "
        + "or install the tool on linux-x64, linux-arm64, win-x64 or osx-arm64, where it is self-contained. Other commands do not need it.";

    private static bool IsTrustedPlatformAssembly(string fileName) =>
        (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? "")
            .Split(Path.PathSeparator)
            .Any(path => string.Equals(Path.GetFileName(path), fileName, StringComparison.OrdinalIgnoreCase));

    /// <summary>shared/Microsoft.AspNetCore.App/&lt;version&gt; beside the running shared/Microsoft.NETCore.App/&lt;version&gt;.</summary>
    private static string? FindSharedFramework()
    {
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        if (runtime.Parent?.Parent is not { } shared || !Directory.Exists(Path.Combine(shared.FullName, Name)))
        {
            return null;
        }

        // The same version as the running runtime when installed, else the newest of the same major version.
        var major = Environment.Version.Major;
        return Directory.EnumerateDirectories(Path.Combine(shared.FullName, Name))
            .Select(path => (Path: path, Version: Version.TryParse(Path.GetFileName(path).Split('-')[0], out var v) ? v : null))
            .Where(d => d.Version?.Major == major && File.Exists(Path.Combine(d.Path, "Microsoft.AspNetCore.dll")))
            .OrderByDescending(d => Path.GetFileName(d.Path) == runtime.Name)
            .ThenByDescending(d => d.Version)
            .Select(d => d.Path)
            .FirstOrDefault();
    }

}
