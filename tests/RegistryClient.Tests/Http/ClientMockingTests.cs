using NSubstitute;
using RegistryClient.Http;
using RegistryClient.Model;

namespace RegistryClient.Tests.Http;

/// <summary>
/// What a consumer's own unit tests do: substitute the client (it is not sealed, has a protected constructor and virtual
/// methods) and build every outcome with <see cref="RegistryModelFactory"/>, without a server.
/// </summary>
public sealed class ClientMockingTests
{
    /// <summary>A consumer's service: the code under test in a consumer's suite.</summary>
    private sealed class DischargeSender(VenousRegistryClient registry)
    {
        public async Task<string> SendAsync(Submission submission)
        {
            var result = await registry.SubmitAsync(submission);
            return result.IsStored ? $"stored v{result.Receipt!.Version}" : result.Status.ToString();
        }
    }

    [Theory]
    [MemberData(nameof(EveryStatus))]
    public async Task Consumer_SubstitutesTheClient_AndGetsEachOutcomeFromTheFactory(SubmissionStatus status)
    {
        var receipt = RegistryModelFactory.SubmissionReceipt("case_1", "RJ1", "RJ1-PMT-2023-0001", version: 3, contentHash: "sha256:" + new string('0', 64));
        var registry = Substitute.For<VenousRegistryClient>();
        registry.SubmitAsync(Arg.Any<Submission>(), Arg.Any<CancellationToken>())
            .Returns(RegistryModelFactory.SubmissionResult(status, receipt, idempotencyKey: "k", httpStatus: 200, attempts: 2));

        var said = await new DischargeSender(registry).SendAsync(TestSubmissions.Load());

        var stored = status is SubmissionStatus.Created or SubmissionStatus.Amended or SubmissionStatus.Unchanged;
        Assert.Equal(stored ? "stored v3" : status.ToString(), said);
        await registry.Received(1).SubmitAsync(Arg.Any<Submission>(), Arg.Any<CancellationToken>());
    }

    public static TheoryData<SubmissionStatus> EveryStatus()
    {
        var data = new TheoryData<SubmissionStatus>();
        foreach (var status in Enum.GetValues<SubmissionStatus>())
        {
            data.Add(status);
        }

        return data;
    }

    [Fact]
    public async Task Factory_BuildsEveryOtherResultKind_ForReadsWithdrawalsAndValidation()
    {
        var registry = Substitute.For<VenousRegistryClient>();
        var tombstone = RegistryModelFactory.SubmissionReceipt("case_1", "RJ1", "RJ1-PMT-2023-0001", CaseStatus.Withdrawn, version: 2,
            withdrawal: RegistryModelFactory.CaseWithdrawal(WithdrawalReason.ConsentWithdrawn, DateTimeOffset.UnixEpoch));
        var rejected = RegistryModelFactory.SubmissionResult(SubmissionStatus.Rejected, errors: [RegistryModelFactory.RegistryError("VR004", "/governance/researchStudy", "research only")]);
        registry.WithdrawAsync("RJ1", "RJ1-PMT-2023-0001", WithdrawalReason.ConsentWithdrawn, Arg.Any<CancellationToken>())
            .Returns(RegistryModelFactory.SubmissionResult(SubmissionStatus.Withdrawn, tombstone));
        registry.FindCaseAsync("RJ1", "RJ1-PMT-2023-0001", Arg.Any<CancellationToken>()).Returns(tombstone);
        registry.GetSubmissionAsync("case_2", Arg.Any<CancellationToken>()).Returns((SubmissionReceipt?)null);
        registry.ValidateAsync(Arg.Any<Submission>(), Arg.Any<CancellationToken>())
            .Returns(RegistryModelFactory.ValidationResult(false, rejected.Errors, [RegistryModelFactory.RegistryError("VR016")]));
        registry.ListSubmissionsAsync("RJ1", Arg.Any<int>(), Arg.Any<CancellationToken>()).Returns(Pages(tombstone));
        registry.GetSubmissionAsync("boom", Arg.Any<CancellationToken>())
            .Returns<SubmissionReceipt?>(_ => throw new RegistryException("Reading a case: HTTP 503", 503, "https://registry.example/problems/unavailable", "try later"));

        var withdrawn = await registry.WithdrawAsync("RJ1", "RJ1-PMT-2023-0001", WithdrawalReason.ConsentWithdrawn);
        var verdict = await registry.ValidateAsync(TestSubmissions.Load());
        var listed = new List<SubmissionReceipt>();
        await foreach (var receipt in registry.ListSubmissionsAsync("RJ1"))
        {
            listed.Add(receipt);
        }

        Assert.Equal((SubmissionStatus.Withdrawn, WithdrawalReason.ConsentWithdrawn), (withdrawn.Status, withdrawn.Receipt!.Withdrawal!.Reason));
        Assert.Equal(CaseStatus.Withdrawn, (await registry.FindCaseAsync("RJ1", "RJ1-PMT-2023-0001"))!.Status);
        Assert.Null(await registry.GetSubmissionAsync("case_2"));
        Assert.Equal((false, "VR004", "VR016"), (verdict.Valid, verdict.Errors.Single().Code, verdict.Warnings.Single().Code));
        Assert.Equal(["case_1"], listed.Select(r => r.Id));
        Assert.Equal(503, (await Assert.ThrowsAsync<RegistryException>(() => registry.GetSubmissionAsync("boom"))).Status);
    }

    private static async IAsyncEnumerable<SubmissionReceipt> Pages(params SubmissionReceipt[] receipts)
    {
        foreach (var receipt in receipts)
        {
            await Task.Yield();
            yield return receipt;
        }
    }
}
