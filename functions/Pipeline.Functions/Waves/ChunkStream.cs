using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>
/// The chunks of an upload (<c>uploads/{wave}/{upload}/{n:D5}</c>, n from 0) read as one stream, a chunk in memory at a
/// time: an import reads a file of any size that came in requests below the Functions host's body limit.
/// </summary>
internal sealed class ChunkStream(IBlobStore blobs, string prefix, int chunks) : Stream
{
    private ReadOnlyMemory<byte> _current;
    private int _next;

    public static string Name(string prefix, int chunk) => $"{prefix}{chunk:D5}";

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_current.IsEmpty)
        {
            if (_next == chunks)
            {
                return 0;
            }

            _current = (await blobs.GetAsync(Imports.Container, Name(prefix, _next++), cancellationToken)).Content;
        }

        var take = Math.Min(buffer.Length, _current.Length);
        _current[..take].CopyTo(buffer);
        _current = _current[take..];
        return take;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
