using System.Buffers;
using System.Text;
using System.Text.Json;

namespace RegistryClient.Cli.Validate.Formats;

/// <summary>
/// A <see cref="Utf8JsonWriter"/> whose output goes to a <see cref="TextWriter"/> in pieces: after each document the
/// buffered UTF-8 moves on, so the buffer never holds more than one document's part of the report.
/// </summary>
internal sealed class JsonSink : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly TextWriter _output;

    public JsonSink(TextWriter output)
    {
        _output = output;
        Json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = true });
    }

    public Utf8JsonWriter Json { get; }

    /// <summary>Writes a string property; a lone surrogate (which UTF-8 cannot encode) becomes U+FFFD.</summary>
    public void String(string name, string value) => Json.WriteString(name, OutputText.ForJson(value));

    /// <summary>Moves what is written so far to the output. The writer flushes whole tokens, so no character is split.</summary>
    public void Drain()
    {
        Json.Flush();
        if (_buffer.WrittenCount > 0)
        {
            _output.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _buffer.ResetWrittenCount();
        }
    }

    public void Dispose()
    {
        Drain();
        _output.Flush();
        Json.Dispose();
    }
}
