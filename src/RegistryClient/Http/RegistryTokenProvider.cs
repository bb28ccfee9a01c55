namespace RegistryClient.Http;

/// <summary>
/// Supplies the bearer token for each request. Register your own (for OAuth client credentials, say) with
/// <c>services.AddSingleton&lt;IRegistryTokenProvider&gt;(...)</c>, or use <see cref="RegistryTokenProvider.FromDelegate"/>.
/// The token is never logged.
/// </summary>
public interface IRegistryTokenProvider
{
    /// <summary>The token to send now. Called once per HTTP attempt, so a provider may refresh an expiring token.</summary>
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Ready-made token providers.</summary>
public static class RegistryTokenProvider
{
    /// <summary>Always the same token.</summary>
    public static IRegistryTokenProvider Static(string token) =>
        string.IsNullOrWhiteSpace(token) ? throw new ArgumentException("A token is required.", nameof(token)) : new DelegateProvider(_ => new ValueTask<string>(token));

    /// <summary>A token from a delegate, e.g. one that caches an OAuth client-credentials token until it nears expiry.</summary>
    public static IRegistryTokenProvider FromDelegate(Func<CancellationToken, ValueTask<string>> getToken) =>
        new DelegateProvider(getToken ?? throw new ArgumentNullException(nameof(getToken)));

    private sealed class DelegateProvider(Func<CancellationToken, ValueTask<string>> getToken) : IRegistryTokenProvider
    {
        public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => getToken(cancellationToken);
    }
}

/// <summary>Puts <c>Authorization: Bearer</c> on every attempt (inside the retry loop, so a refreshed token is used).</summary>
internal sealed class BearerTokenHandler(IRegistryTokenProvider tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
