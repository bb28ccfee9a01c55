using RegistryClient.Testing;

namespace RegistryClient.Tests.Testing;

/// <summary>Holds a write open after it has claimed its Idempotency-Key while a second request with the same key arrives.</summary>
internal static class KeyInFlight
{
    /// <summary>
    /// Sends <paramref name="body"/> by <paramref name="method"/> to <paramref name="path"/>, holds it inside the sandbox
    /// once it has claimed its key (its body read and validated: keys are per organisation, and the body names it),
    /// sends <paramref name="second"/>, then releases the first and returns both answers.
    /// </summary>
    public static async Task<(HttpResponseMessage First, HttpResponseMessage Second)> HoldAsync(
        SandboxServer sandbox, HttpMethod method, string path, byte[] body, string key, string? ifMatch, Func<Task<HttpResponseMessage>> second,
        string? token = null)
    {
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        using var request = new HttpRequestMessage(method, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", token ?? sandbox.Token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var hold = sandbox.HoldNextWrite();
        var firstTask = http.SendAsync(request);
        await hold.Claimed.WaitAsync(TimeSpan.FromSeconds(10));
        var answer = await second();
        hold.Release();
        return (await firstTask, answer);
    }
}
