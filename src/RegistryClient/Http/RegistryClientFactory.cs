using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace RegistryClient.Http;

/// <summary>
/// The named registry clients of a container (<c>services.AddRegistryClient("north", ...)</c>), for a trust that sends
/// to several registries or as several organisations. Registered by every <c>AddRegistryClient</c> call.
/// </summary>
public interface IRegistryClientFactory
{
    /// <summary>
    /// The client registered under <paramref name="name"/>: one instance per name for the container's lifetime (the
    /// container disposes it), so call this as often as convenient. An empty name gives the unnamed client.
    /// </summary>
    /// <exception cref="InvalidOperationException">No client is registered under the name; the message lists those that are.</exception>
    /// <exception cref="OptionsValidationException">The named client's options are invalid, or it has no token.</exception>
    VenousRegistryClient CreateClient(string name);
}

/// <summary>A registered client name, so the factory can say which names exist.</summary>
internal sealed class RegistryClientName(string name)
{
    public string Name { get; } = name;
}

/// <summary>What each client keeps for itself, by name: the back-pressure of 429s and the circuit. Never shared between names.</summary>
internal sealed class RegistryClientParts(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (RegistryBackPressure BackPressure, RegistryCircuit Circuit)> _parts = new(StringComparer.Ordinal);

    public (RegistryBackPressure BackPressure, RegistryCircuit Circuit) For(string name) =>
        _parts.GetOrAdd(name, _ => (new RegistryBackPressure(time), new RegistryCircuit(time)));
}

internal sealed class RegistryClientFactory(IServiceProvider services) : IRegistryClientFactory, IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<VenousRegistryClient>> _clients = new(StringComparer.Ordinal);

    public VenousRegistryClient CreateClient(string name)
    {
        if (name is null)
        {
            throw new ArgumentNullException(nameof(name));
        }

        if (name.Length == 0)
        {
            return services.GetRequiredService<VenousRegistryClient>();
        }

        if (_clients.TryGetValue(name, out var made))
        {
            return made.Value; // the common call: a client already made, without listing the registered names again
        }

        var names = services.GetServices<RegistryClientName>().Select(n => n.Name).ToList();
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            throw new InvalidOperationException(names.Count == 0
                ? $"No registry client is registered under the name '{name}': there are no named clients (register one with services.AddRegistryClient(\"{name}\", ...))."
                : $"No registry client is registered under the name '{name}'; the names registered are {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        }

        return _clients.GetOrAdd(name, n => new Lazy<VenousRegistryClient>(() => Create(n))).Value;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            if (client.IsValueCreated)
            {
                client.Value.Dispose();
            }
        }
    }

    private VenousRegistryClient Create(string name)
    {
        // Validates now, naming the client, as ValidateOnStart does for a host that starts.
        _ = services.GetRequiredService<IOptionsMonitor<RegistryClientOptions>>().Get(name);
        _ = RegistryClientServiceCollectionExtensions.NamedTokens(services, name); // a missing token fails here, not at the first send
        return RegistryClientServiceCollectionExtensions.Construct(services, name, owned: null);
    }
}
