namespace RegistryClient.Outbox;

/// <summary>Why an outbox cannot be used.</summary>
public enum OutboxProblem
{
    /// <summary>The file is not an outbox: truncated, overwritten, or not a database at all.</summary>
    Corrupt,

    /// <summary>The disk (or the storage's quota) is full: nothing more can be recorded until space is freed.</summary>
    Full,

    /// <summary>Another process is using the outbox; two drains of one outbox would each send everything.</summary>
    InUse,

    /// <summary>The file cannot be opened or written (missing folder, permissions, read-only medium, I/O error).</summary>
    Inaccessible,

    /// <summary>The file was written by a newer version of RegistryClient, whose format this version does not know.</summary>
    NewerFormat,
}

/// <summary>
/// The outbox's storage failed in a way the caller must act on (<see cref="Problem"/> says which). The message names the
/// file and what to do, and never contains patient data; the storage's own exception is the inner exception.
/// </summary>
public sealed class OutboxUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="problem">What is wrong.</param>
    /// <param name="location">The outbox file (or other location) concerned.</param>
    /// <param name="message">What is wrong and what to do, in one sentence, without patient data.</param>
    /// <param name="innerException">The storage's own exception, if any.</param>
    public OutboxUnavailableException(OutboxProblem problem, string location, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Problem = problem;
        Location = location;
    }

    /// <summary>What is wrong.</summary>
    public OutboxProblem Problem { get; }

    /// <summary>The outbox file (or other location) concerned.</summary>
    public string Location { get; }
}
