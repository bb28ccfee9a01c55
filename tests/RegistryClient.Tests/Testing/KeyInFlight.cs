using System.Net;
using RegistryClient.Testing;

namespace RegistryClient.Tests.Testing;

/// <summary>Holds a write open mid-body (its Idempotency-Key claimed) while a second request with the same key arrives.</summary>
internal static class KeyInFlight
{
    /// <summary>
    /// Sends <paramref name="body"/> by <paramref name="method"/> to <paramref name="path"/> but holds back all but its
    /// first bytes, then repeats <paramref name="second"/> until it gets 409 (or 50 tries), releases the first and
    /// returns both answers.
    /// </summary>
    public static async Task<(HttpResponseMessage First, HttpResponseMessage Second)> HoldAsync(
        SandboxServer sandbox, HttpMethod method, string path, byte[] body, string key, string? ifMatch, Func<Task<HttpResponseMessage>> second)
    {
        var content = new HeldBackContent(body);
        using var http = new HttpClient { BaseAddress = sandbox.BaseAddress };
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Authorization = new("Bearer", sandbox.Token);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        var before = sandbox.Requests;
        var firstTask = http.SendAsync(request);
        SpinWait.SpinUntil(() => sandbox.Requests > before, TimeSpan.FromSeconds(10)); // the first has reached the sandbox

        HttpResponseMessage answer;
        var attempts = 0;
        do
        {
            // The first request claims its key just after it arrives; until then the second may get through.
            await Task.Delay(5);
            answer = await second();
        }
        while (answer.StatusCode != HttpStatusCode.Conflict && ++attempts < 50);

        content.Release();
        return (await firstTask, answer);
    }

    /// <summary>Sends the first bytes of a body at once and the rest only when released.</summary>
    private sealed class HeldBackContent(byte[] body) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, 10));
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync(body.AsMemory(10));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }
}
