#if NETFRAMEWORK
using System.Runtime.InteropServices;

namespace RegistryClient.Outbox.Sqlite;

/// <summary>
/// Finds the SQLite native library for a plain AnyCPU .NET Framework app, on Windows or under Mono. Modern .NET picks
/// <c>runtimes/&lt;rid&gt;/native</c> by itself; .NET Framework and Mono only look beside the app, where nothing is copied
/// unless the app was built for one RID. The package's build targets copy the natives of the common RIDs under
/// <c>runtimes/</c>; this loads the one matching the running process before SQLite is first called, so the provider's
/// <c>[DllImport("e_sqlite3")]</c> binds to the library already in the process.
/// </summary>
internal static class NativeSqlite
{
    private static readonly Lazy<bool> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads the native library once; false when no matching file is there (an app built for a RID has it beside itself).</summary>
    public static bool EnsureLoaded() => Loaded.Value;

    private static bool Load()
    {
        var (rid, file) = Target();
        if (rid is null)
        {
            return false;
        }

        foreach (var directory in new[] { AppDomain.CurrentDomain.BaseDirectory, AppDomain.CurrentDomain.RelativeSearchPath, Path.GetDirectoryName(typeof(NativeSqlite).Assembly.Location) })
        {
            if (string.IsNullOrEmpty(directory))
            {
                continue;
            }

            var path = Path.Combine(Path.Combine(Path.Combine(Path.Combine(directory, "runtimes"), rid), "native"), file);
            if (File.Exists(path))
            {
                return Environment.OSVersion.Platform == PlatformID.Win32NT ? Windows.LoadLibraryW(path) != IntPtr.Zero : Unix.Open(path);
            }
        }

        return false;
    }

    /// <summary>The RID folder and file name for this process, or none for a platform the package does not cover.</summary>
    private static (string? Rid, string File) Target()
    {
        var architecture = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => "x64",
            Architecture.X86 => "x86",
            Architecture.Arm64 => "arm64",
            _ => null,
        };
        if (architecture is null)
        {
            return (null, "");
        }

        if (Environment.OSVersion.Platform == PlatformID.Win32NT)
        {
            return ("win-" + architecture, "e_sqlite3.dll");
        }

        return RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
            ? ("osx-" + architecture, "libe_sqlite3.dylib")
            : RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? ("linux-" + architecture, "libe_sqlite3.so") : (null, "");
    }

    private static class Windows
    {
        [DllImport("kernel32", CharSet = CharSet.Unicode, SetLastError = true)]
        public static extern IntPtr LoadLibraryW(string path);
    }

    /// <summary>
    /// dlopen with RTLD_GLOBAL: Mono's later dlopen of the bare name then finds the library already loaded (by its
    /// soname on Linux, its install name on macOS). dlopen lives in libc from glibc 2.34 and on macOS, in libdl before.
    /// </summary>
    private static class Unix
    {
        public static bool Open(string path)
        {
            var flags = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x2 | 0x8 : 0x2 | 0x100; // RTLD_NOW | RTLD_GLOBAL
            try
            {
                return LibDl(path, flags) != IntPtr.Zero;
            }
            catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
            {
                return LibC(path, flags) != IntPtr.Zero;
            }
        }

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr LibDl(string path, int flags);

        [DllImport("libc", EntryPoint = "dlopen")]
        private static extern IntPtr LibC(string path, int flags);
    }
}
#endif
