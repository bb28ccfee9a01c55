using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RegistryClient.Tests.Http;

/// <summary>
/// A registry at the socket level, for faults WireMock.Net cannot play: a connection reset without a word, or a request
/// that never gets an answer (held open until the test ends, so nothing waits for it in real time).
/// </summary>
internal sealed class SocketRegistry : IDisposable
{
    public enum Answer
    {
        /// <summary>Reads the request and never answers.</summary>
        Hang,

        /// <summary>Reads the request and resets the connection.</summary>
        Drop,

        /// <summary>Answers 201 with a receipt.</summary>
        Created,
    }

    private const string Receipt = """{"id":"sub_1","organisationCode":"RJ1","localRecordId":"RJ1-PMT-2023-0001","status":"accepted","version":1,"receivedAt":"2026-11-24T10:00:00+00:00","schemaVersion":"1.0"}""";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _open = [];
    private readonly Answer[] _script;
    private int _requests;

    /// <summary>Answers the n-th connection with <paramref name="script"/>[n]; the last answer repeats.</summary>
    public SocketRegistry(params Answer[] script)
    {
        _script = script;
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>Requests read in full so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public void Dispose()
    {
        _listener.Stop();
        foreach (var socket in _open)
        {
            socket.Dispose();
        }
    }

    private async Task ServeAsync()
    {
        try
        {
            for (var i = 0; ; i++)
            {
                var socket = await _listener.AcceptTcpClientAsync();
                _open.Add(socket);
                var answer = _script[Math.Min(i, _script.Length - 1)];
                _ = Task.Run(() => HandleAsync(socket, answer));
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // stopped
        }
    }

    private async Task HandleAsync(TcpClient socket, Answer answer)
    {
        try
        {
            var stream = socket.GetStream();
            await ReadRequestAsync(stream);
            Interlocked.Increment(ref _requests);
            switch (answer)
            {
                case Answer.Drop:
                    socket.Client.LingerState = new LingerOption(true, 0); // a reset, not a polite close
                    socket.Close();
                    break;
                case Answer.Created:
                    var response = $"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: {Receipt.Length}\r\nConnection: close\r\n\r\n{Receipt}";
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(response));
                    socket.Close();
                    break;
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            // the client gave up on this connection
        }
    }

    private static async Task ReadRequestAsync(NetworkStream stream)
    {
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int? total = null;
        while (total is null || received.Count < total)
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                return;
            }

            received.AddRange(buffer.AsSpan(0, read).ToArray());
            var text = Encoding.ASCII.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (total is null && end >= 0)
            {
                var length = text[..end].Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                total = end + 4 + (length is null ? 0 : int.Parse(length["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
