using Microsoft.AspNetCore.Http;

namespace RegistryClient.Testing.Middleware;

/// <summary>Who is calling: the organisations the bearer token may act for (all of them for the sandbox's main token).</summary>
internal sealed class SandboxCaller
{
    private const string ItemKey = "sandbox.caller";
    private readonly IReadOnlySet<string>? _organisations;

    public SandboxCaller(IReadOnlySet<string>? organisations) => _organisations = organisations;

    public bool MayActFor(string organisationCode) => _organisations is null || _organisations.Contains(organisationCode);

    public static SandboxCaller Of(HttpContext context) => (SandboxCaller)context.Items[ItemKey]!;

    /// <summary>Whether the request got past authentication.</summary>
    public static bool IsAuthenticated(HttpContext context) => context.Items.ContainsKey(ItemKey);

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;
}
