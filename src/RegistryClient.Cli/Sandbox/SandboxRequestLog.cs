using Microsoft.Extensions.Logging;

namespace RegistryClient.Cli.Sandbox;

/// <summary>Prints the sandbox's one line per request (method, path, status) to the console; nothing else is logged.</summary>
internal sealed class SandboxRequestLog(TextWriter output) : ILoggerProvider, ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new Writer(output);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Writer(TextWriter output) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            lock (output)
            {
                output.WriteLine(formatter(state, null));
                output.Flush();
            }
        }
    }
}
