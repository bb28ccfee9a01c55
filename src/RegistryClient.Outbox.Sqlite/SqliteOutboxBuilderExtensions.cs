using Microsoft.Extensions.Options;
using RegistryClient.Hosting;
using RegistryClient.Http;
using RegistryClient.Outbox;
using RegistryClient.Outbox.Sqlite;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite outbox and the hosted worker that drains it.</summary>
public static class SqliteOutboxBuilderExtensions
{
    /// <summary>
    /// Registers the SQLite outbox at <paramref name="path"/> (opened, created or migrated on first use, on the
    /// container's <see cref="TimeProvider"/>), <see cref="SubmissionQueue"/> and the hosted drain worker; see
    /// <c>AddOutbox</c>. A corrupt or full outbox does not stop the host: the worker and the health check report it
    /// and opening is tried again.
    /// </summary>
    public static IRegistryClientBuilder AddSqliteOutbox(this IRegistryClientBuilder builder, string path, Action<RegistryWorkerOptions>? configure = null)
    {
        if (builder is null)
        {
            throw new ArgumentNullException(nameof(builder));
        }

        if (string.IsNullOrWhiteSpace(path))
        {
            throw new ArgumentException("An outbox file path is required.", nameof(path));
        }

        return builder.AddOutbox(async (services, cancellationToken) => await SqliteSubmissionOutbox.OpenAsync(path,
            new SqliteOutboxOptions { TimeProvider = services.GetService<TimeProvider>() ?? TimeProvider.System }, cancellationToken).ConfigureAwait(false), configure);
    }
}
