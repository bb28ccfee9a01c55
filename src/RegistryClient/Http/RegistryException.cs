namespace RegistryClient.Http;

/// <summary>
/// The one exception the client throws for the unexpected: the registry could not be reached after retries, answered a
/// status the API does not promise, or refused a read or list. Expected outcomes of writes are typed results instead
/// (<see cref="SubmissionResult"/>). The message never repeats a submitted value.
/// </summary>
public class RegistryException : Exception
{
    /// <summary>Creates the exception (public so that consumers' tests can build one).</summary>
    /// <param name="message">What failed, without submitted values.</param>
    /// <param name="status">The HTTP status, when a response came back.</param>
    /// <param name="problemType">The problem <c>type</c> of the response, when it was a problem document.</param>
    /// <param name="serverMessage">The registry's own explanation (problem <c>title</c> and <c>detail</c>).</param>
    /// <param name="innerException">The transport failure, if any.</param>
    public RegistryException(string message, int? status = null, string? problemType = null, string? serverMessage = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
        ProblemType = problemType;
        ServerMessage = serverMessage;
    }

    /// <summary>The HTTP status, when a response came back.</summary>
    public int? Status { get; }

    /// <summary>The problem <c>type</c> URI of the response (RFC 9457), when it was a problem document.</summary>
    public string? ProblemType { get; }

    /// <summary>The registry's explanation (problem <c>title</c>, and <c>detail</c> when present).</summary>
    public string? ServerMessage { get; }
}
