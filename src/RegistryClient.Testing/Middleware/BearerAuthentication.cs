using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using RegistryClient.Testing.Wire;

namespace RegistryClient.Testing.Middleware;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> on every call (the scheme is case-insensitive, RFC 9110 11.1): the main token
/// may act for every organisation (when there are no tenants, or it was kept beside them), a tenant's token for its own
/// organisations only; anything else is 401.
/// </summary>
internal sealed class BearerAuthentication
{
    private readonly byte[]? _token;
    private readonly IReadOnlyList<(byte[] Token, IReadOnlySet<string> Organisations)> _tenants;

    public BearerAuthentication(SandboxOptions options)
    {
        _token = CatchAllToken(options) is { } token ? Encoding.UTF8.GetBytes(token) : null;
        _tenants = options.Tenants
            .GroupBy(t => t.Value, StringComparer.Ordinal)
            .Select(g => (Encoding.UTF8.GetBytes(g.Key), (IReadOnlySet<string>)g.Select(t => t.Key).ToHashSet(StringComparer.Ordinal)))
            .ToList();
    }

    /// <summary>The token good for every organisation, when it is active.</summary>
    public static string? CatchAllToken(SandboxOptions options) =>
        options.Tenants.Count == 0 || options.TokenWithTenants ? options.Token : null;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (Identify(context.Request.Headers.Authorization) is not { } caller)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await ApiResponses.WriteAsync(context, 401, ProblemTypes.Unauthorized, "A valid bearer token is required");
            return;
        }

        caller.AttachTo(context);
        await next(context);
    }

    private SandboxCaller? Identify(Microsoft.Extensions.Primitives.StringValues headers)
    {
        if (headers.Count != 1 || headers[0] is not { } header)
        {
            return null;
        }

        var space = header.IndexOf(' ');
        if (space <= 0 || !header.AsSpan(0, space).Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = Encoding.UTF8.GetBytes(header.Substring(space + 1).Trim());
        if (presented.Length == 0)
        {
            return null;
        }

        if (_token is not null && CryptographicOperations.FixedTimeEquals(presented, _token))
        {
            return new SandboxCaller(null);
        }

        foreach (var (token, organisations) in _tenants)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, token))
            {
                return new SandboxCaller(organisations);
            }
        }

        return null;
    }
}
