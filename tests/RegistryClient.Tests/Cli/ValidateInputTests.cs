using System.Text.Json;
using System.Text.Json.Nodes;

namespace RegistryClient.Tests.Cli;

/// <summary>What <c>registry validate</c> reads: every input gets a clear answer, within the size limits, each file once.</summary>
public sealed class ValidateInputTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("registry-input-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task Validate_DirectoryWithNoDocument_ExitsTwoSayingSo()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_temp, "empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not a submission");
        File.WriteAllText(Path.Combine(empty, "blank.ndjson"), "\n\n");

        var (exit, _, stderr) = await CliRunner.RunAsync("validate", empty);

        Assert.Equal(2, exit);
        Assert.Contains("no submission found", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SubmissionDecoratedWithSchemaKey_IsValidatedNotSkipped()
    {
        var node = JsonNode.Parse(File.ReadAllText(Samples.ValidFiles.First()))!.AsObject();
        var decorated = new JsonObject { ["$schema"] = "../schemas/venous-registry-submission.v1.schema.json" };
        foreach (var (name, value) in node.ToList())
        {
            node.Remove(name);
            decorated[name] = value;
        }

        File.WriteAllText(Path.Combine(_temp, "decorated.json"), decorated.ToJsonString());

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", _temp);

        Assert.Equal(1, exit);
        Assert.Contains("decorated.json:", stdout, StringComparison.Ordinal);
        Assert.Contains("error SCHEMA", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("skipped", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_SamplesDirectory_SkipsOnlyTheManifestAndSaysSo()
    {
        var (_, stdout, stderr) = await CliRunner.RunAsync("validate", Samples.InvalidDirectory);

        Assert.Contains("expected.json: skipped: it is the samples manifest", stderr, StringComparison.Ordinal);
        Assert.Contains($"{Samples.InvalidFiles.Count()} document(s)", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DevZero_IsBoundedByTheSizeLimit()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", "/dev/zero");

        Assert.Equal(2, exit);
        Assert.Contains("/dev/zero: error INPUT: ", stdout, StringComparison.Ordinal);
        Assert.Contains("limit", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_EndlessFifo_IsBoundedByTheSizeLimit()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/mkfifo"))
        {
            return;
        }

        var fifo = Path.Combine(_temp, "endless.json");
        using (var mkfifo = System.Diagnostics.Process.Start("/usr/bin/mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync();
        }

        // The writer blocks until the reader opens the FIFO, then writes until the reader stops reading.
        var writer = Task.Run(() =>
        {
            try
            {
                using var stream = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
                var chunk = new byte[64 * 1024];
                Array.Fill(chunk, (byte)' ');
                while (true)
                {
                    stream.Write(chunk);
                }
            }
            catch (IOException)
            {
                // the reader closed the pipe: expected
            }
        });

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", fifo);
        await writer.WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(2, exit);
        Assert.Contains("limit", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_NdjsonLineOverTheLimit_StopsThereWithAnInputError()
    {
        var line = JsonSerializer.Serialize(JsonDocument.Parse(File.ReadAllText(Samples.ValidFiles.First())).RootElement);
        var file = Path.Combine(_temp, "long.ndjson");
        File.WriteAllText(file, line + "\n" + new string(' ', 2 * 1024 * 1024) + line + "\n" + line + "\n");

        var (exit, stdout, stderr) = await CliRunner.RunAsync("validate", file, "--format", "json");

        Assert.Equal(2, exit);
        Assert.Equal("", stderr); // the input error is in the report, once
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(1, json.RootElement.GetProperty("summary").GetProperty("documents").GetInt32());
        Assert.Contains("line 2", json.RootElement.GetProperty("files")[0].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_DirectoryWithSymbolicLinkLoopAndAlias_CountsEachFileOnce()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var sub = Directory.CreateDirectory(Path.Combine(_temp, "tree", "sub")).FullName;
        File.Copy(Samples.ValidFiles.First(), Path.Combine(sub, "case.json"));
        Directory.CreateSymbolicLink(Path.Combine(sub, "up"), Path.Combine(_temp, "tree"));
        File.CreateSymbolicLink(Path.Combine(_temp, "tree", "alias.json"), Path.Combine(sub, "case.json"));

        var (exit, stdout, _) = await CliRunner.RunAsync("validate", Path.Combine(_temp, "tree"));

        Assert.Equal(0, exit);
        Assert.Contains("1 document(s)", stdout, StringComparison.Ordinal);
    }
}
