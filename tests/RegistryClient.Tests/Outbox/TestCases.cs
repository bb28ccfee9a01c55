using RegistryClient.Model;
using RegistryClient.Tests.Http;

namespace RegistryClient.Tests.Outbox;

/// <summary>A case as it grows: the episode at discharge, then with each follow-up as it arrives (30 days to 24 months).</summary>
internal static class TestCases
{
    /// <summary>
    /// The versions of a valid sample's case: version k holds the sample's first k follow-ups, the last version is the
    /// sample itself. Sample 01 (four follow-ups) gives five versions.
    /// </summary>
    public static IReadOnlyList<Submission> Growing(int sample = 0, string? localRecordId = null)
    {
        var full = TestSubmissions.Load(sample);
        if (localRecordId is not null)
        {
            full = full with { LocalRecordId = localRecordId };
        }

        var followUps = full.FollowUps ?? [];
        return [.. Enumerable.Range(0, followUps.Count + 1).Select(k => full with { FollowUps = k == 0 ? null : followUps.Take(k).ToList() })];
    }

    /// <summary>The last two versions of sample 01: before and after its 24-month follow-up arrived.</summary>
    public static (Submission Before, Submission After) LastFollowUp(string? localRecordId = null)
    {
        var versions = Growing(0, localRecordId);
        return (versions[^2], versions[^1]);
    }
}
