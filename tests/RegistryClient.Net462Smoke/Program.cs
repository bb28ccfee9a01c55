using System.Text.Json;
using RegistryClient.Http;
using RegistryClient.Mapping;
using RegistryClient.Model;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;
using RegistryClient.Validation;

// Usage: RegistryClient.Net462Smoke.exe REPOSITORY_ROOT SANDBOX_URL TOKEN WORK_DIRECTORY
// Prints one line per step and exits 0 only when every step did what a .NET Framework host relies on.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: RegistryClient.Net462Smoke REPOSITORY_ROOT SANDBOX_URL TOKEN WORK_DIRECTORY");
    return 2;
}

var (root, endpoint, token, work) = (args[0], new Uri(args[1]), args[2], args[3]);
Console.WriteLine($"runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription} ({(Environment.Is64BitProcess ? "64" : "32")}-bit)");

// 1. Validate a sample submission.
var validator = new SubmissionValidator();
var sample = File.ReadAllBytes(Path.Combine(root, "samples", "submissions", "valid", "01-iliofemoral-left-four-follow-ups.json"));
var sampleReport = await validator.ValidateAsync(sample);
Check(sampleReport.IsValid, $"1. validated a sample: valid={sampleReport.IsValid}, {SubmissionValidator.Rules.Count} rules");

// 2. Map the sample export with its profile, and keep the valid episodes.
var (profile, profileErrors) = MappingProfile.Load(File.ReadAllBytes(Path.Combine(root, "samples", "mappings", "ris-export.profile.json")));
Check(profile is not null, $"2a. loaded the mapping profile ({profileErrors.Count} errors)");
var valid = new List<Submission>();
var mapped = 0;
using (var export = File.OpenRead(Path.Combine(root, "samples", "exports", "ris-export.csv")))
{
    await foreach (var result in ProfileMapper.MapAsync(profile!, export))
    {
        if (result.Submission is { } submission)
        {
            mapped++;
            if ((await validator.ValidateAsync(submission)).IsValid)
            {
                valid.Add(submission);
            }
        }
    }
}

Check(valid.Count > 0, $"2b. mapped the sample export: {mapped} episodes, {valid.Count} valid");

// 3. Queue them in the SQLite outbox (the native library found by the package on an AnyCPU build).
Directory.CreateDirectory(work);
using var outbox = await SqliteSubmissionOutbox.OpenAsync(Path.Combine(work, "outbox.db"));
using var client = VenousRegistryClient.Create(new RegistryClientOptions { Endpoint = endpoint, Token = token });
var submitter = new BatchSubmitter(client, outbox);
foreach (var submission in valid)
{
    await submitter.EnqueueAsync(submission);
}

var queued = await outbox.CountAsync(CancellationToken.None);
Check(queued.Pending == valid.Count, $"3. queued in the SQLite outbox: {queued.Pending} pending");

// 4. Submit to the sandbox.
var summary = await submitter.DrainAsync(4);
Check(summary.Created == valid.Count && summary.Pending == 0,
    $"4. submitted to {endpoint}: {summary.Created} created, {summary.Amended} amended, {summary.Unchanged} unchanged, {summary.Rejected} rejected, {summary.Pending} pending");

Console.WriteLine("net462 smoke: passed");
return 0;

static void Check(bool ok, string step)
{
    Console.WriteLine((ok ? "ok   " : "FAIL ") + step);
    if (!ok)
    {
        Console.WriteLine("net462 smoke: failed");
        Environment.Exit(1);
    }
}
