using System.Collections.Concurrent;

namespace RegistryClient.Tests.Testing;

/// <summary>Keeps every exchange that passes through, with both bodies, for checking against the OpenAPI document.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public ConcurrentQueue<Exchange> Exchanges { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var requestBody = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            headers[name] = string.Join(", ", values);
        }

        Exchanges.Enqueue(new Exchange(
            request.Method.Method,
            request.RequestUri!.AbsolutePath,
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            headers,
            await response.Content.ReadAsByteArrayAsync(cancellationToken),
            request.Content?.Headers.ContentType?.MediaType,
            requestBody));
        return response;
    }
}
