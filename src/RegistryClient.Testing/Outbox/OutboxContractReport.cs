namespace RegistryClient.Testing.Outbox;

/// <summary>How one clause of <see cref="SubmissionOutboxContract"/> went.</summary>
public enum OutboxClauseOutcome
{
    /// <summary>The outbox kept the promise.</summary>
    Passed,

    /// <summary>The outbox broke it; <see cref="OutboxClauseResult.Message"/> says how.</summary>
    Failed,

    /// <summary>Not checked: the contract was not given what the clause needs (a way to reopen or to break the storage).</summary>
    Skipped,
}

/// <summary>One clause's result.</summary>
public sealed class OutboxClauseResult
{
    internal OutboxClauseResult(string clause, OutboxClauseOutcome outcome, string? message)
    {
        Clause = clause;
        Outcome = outcome;
        Message = message;
    }

    /// <summary>The clause's name (one of <see cref="SubmissionOutboxContract.Clauses"/>).</summary>
    public string Clause { get; }

    /// <summary>Passed, failed or skipped.</summary>
    public OutboxClauseOutcome Outcome { get; }

    /// <summary>What was expected and what the outbox did (failed), or why the clause was not checked (skipped).</summary>
    public string? Message { get; }

    /// <inheritdoc />
    public override string ToString() => Message is null ? $"{Clause}: {Outcome}" : $"{Clause}: {Outcome}: {Message}";
}

/// <summary>What <see cref="SubmissionOutboxContract.RunAsync"/> found, clause by clause.</summary>
public sealed class OutboxContractReport
{
    internal OutboxContractReport(IReadOnlyList<OutboxClauseResult> results) => Results = results;

    /// <summary>Every clause run, in the contract's order.</summary>
    public IReadOnlyList<OutboxClauseResult> Results { get; }

    /// <summary>The clauses the outbox broke.</summary>
    public IReadOnlyList<OutboxClauseResult> Failures => Results.Where(r => r.Outcome == OutboxClauseOutcome.Failed).ToList();

    /// <summary>True when no clause failed (skipped ones do not count against it).</summary>
    public bool Passed => Failures.Count == 0;

    /// <summary>Throws <see cref="OutboxContractException"/>, naming every failed clause, unless all passed: one line in any test framework.</summary>
    /// <exception cref="OutboxContractException">A clause failed.</exception>
    public void ThrowIfFailed()
    {
        if (!Passed)
        {
            throw new OutboxContractException(Failures);
        }
    }

    /// <inheritdoc />
    public override string ToString() => string.Join(Environment.NewLine, Results);
}

/// <summary>An outbox broke clauses of <see cref="SubmissionOutboxContract"/>; the message names each and says how.</summary>
public sealed class OutboxContractException : Exception
{
    internal OutboxContractException(IReadOnlyList<OutboxClauseResult> failures)
        : base($"The outbox broke {failures.Count} clause(s) of the SubmissionOutbox contract:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}") =>
        Failures = failures;

    /// <summary>The failed clauses.</summary>
    public IReadOnlyList<OutboxClauseResult> Failures { get; }
}
