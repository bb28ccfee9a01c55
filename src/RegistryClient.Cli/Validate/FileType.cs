using System.Runtime.InteropServices;

namespace RegistryClient.Cli.Validate;

/// <summary>
/// Whether a path is a regular file. .NET reports FIFOs and devices as plain files, and opening a FIFO that nobody
/// writes to blocks for ever, so a directory search must not open one. The runtime's own native shim answers (the
/// call <c>File.GetAttributes</c> makes; its file-type bits are the runtime's stable constants), so no libc layout is assumed.
/// </summary>
internal static class FileType
{
    private const int TypeMask = 0xF000;
    private const int Regular = 0x8000;

    public static bool IsRegular(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return true; // no FIFOs in the file system there
        }

        try
        {
            var status = new byte[512]; // FileStatus: int Flags, int Mode, then fields this check does not read
            return Stat(path, status) != 0 || (BitConverter.ToInt32(status, 4) & TypeMask) == Regular;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return true; // the bounded reader still stops at the size limit
        }
    }

    [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat")]
    private static extern int Stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte[] status);
}
