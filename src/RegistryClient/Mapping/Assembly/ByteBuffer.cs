using System.Buffers;

namespace RegistryClient.Mapping;

/// <summary>A growable byte buffer the document writer reuses for every episode: resetting it neither frees nor
/// clears memory (a <see cref="MemoryStream"/> behind a <see cref="Utf8JsonWriter"/> cost a copy and a clear per document).</summary>
internal sealed class ByteBuffer : IBufferWriter<byte>
{
    private byte[] _bytes = new byte[8192];
    private int _count;

    public ReadOnlySpan<byte> Written => new(_bytes, 0, _count);

    public void Reset() => _count = 0;

    public void Advance(int count) => _count += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsMemory(_count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _bytes.AsSpan(_count);
    }

    private void Ensure(int sizeHint)
    {
        if (_bytes.Length - _count < Math.Max(sizeHint, 256))
        {
            Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _count + sizeHint));
        }
    }
}
