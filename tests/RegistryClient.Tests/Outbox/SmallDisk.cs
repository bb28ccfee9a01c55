namespace RegistryClient.Tests.Outbox;

/// <summary>
/// A real, tiny filesystem (a size-limited tmpfs) for full-disk tests: writes past its size fail with ENOSPC, which
/// SQLite reports as SQLITE_FULL. Needs root on Linux (CI and the dev container run as root); elsewhere the tests that
/// use it are skipped, not passed.
/// </summary>
internal sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallDisk> MountAsync(int kilobytes)
    {
        Skip.IfNot(OperatingSystem.IsLinux() && Environment.UserName == "root", "a tmpfs mount needs root on Linux");
        var path = Directory.CreateTempSubdirectory("registry-small-disk-").FullName;
        var (exit, _, stderr) = await ExternalProcess.RunAsync("mount", null, TimeSpan.FromSeconds(30), "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        if (exit != 0)
        {
            Directory.Delete(path);
            Skip.If(true, "mount -t tmpfs failed: " + stderr.Trim());
        }

        return new SmallDisk(path);
    }

    /// <summary>Takes every free byte of the disk with one file; delete it to give the space back.</summary>
    public string Fill()
    {
        var filler = System.IO.Path.Combine(Path, "filler.bin");
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1); // unbuffered: nothing left to flush on dispose
        var block = new byte[4096];
        try
        {
            while (true)
            {
                stream.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full now
        }

        return filler;
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await ExternalProcess.RunAsync("umount", null, TimeSpan.FromSeconds(30), "-l", Path);
        Directory.Delete(Path, recursive: true);
    }
}
