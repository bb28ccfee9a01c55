using RegistryClient.Outbox;

namespace RegistryClient.Cli.Submit;

/// <summary>
/// An outbox failure as the tool says it: the library's message (which knows no command line), and where another file
/// would do, how to name one.
/// </summary>
internal static class OutboxText
{
    public static string Of(OutboxUnavailableException failure) =>
        failure.Problem is OutboxProblem.InUse or OutboxProblem.Inaccessible or OutboxProblem.NewerFormat
            ? failure.Message + " Or use another --outbox."
            : failure.Message;
}
