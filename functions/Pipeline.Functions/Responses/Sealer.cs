using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Functions.Responses;

/// <summary>
/// AES-256-GCM under a server key, for the few things that sit next to a token hash for a while: a draft's
/// answers and a submission waiting for its release. A reader of the storage account without the key learns
/// nothing from them. Each value is sealed with associated data that names where it is stored (the row key and the
/// column), so a value copied into another token's row or column does not open. Layout: 1-byte key version, 12-byte
/// nonce, 16-byte tag, ciphertext; <paramref name="keyOf"/> gives the key of a version, so older values still open
/// after the version moves on.
/// </summary>
internal sealed class Sealer(byte version, Func<byte, byte[]> keyOf)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + NonceSize + TagSize;

    public byte[] Seal(ReadOnlySpan<byte> plain, string rowKey, string column)
    {
        var sealedBytes = new byte[HeaderSize + plain.Length];
        sealedBytes[0] = version;
        var nonce = sealedBytes.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keyOf(version), TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(HeaderSize), sealedBytes.AsSpan(1 + NonceSize, TagSize), Where(rowKey, column));
        return sealedBytes;
    }

    /// <summary>The plain bytes; <see cref="CryptographicException"/> when altered, truncated, moved, or sealed under a key we do not have.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes, string rowKey, string column)
    {
        if (sealedBytes.Length < HeaderSize || sealedBytes[0] == 0 || sealedBytes[0] > version)
        {
            throw new CryptographicException("The sealed value is truncated or of an unknown key version.");
        }

        var plain = new byte[sealedBytes.Length - HeaderSize];
        using var aes = new AesGcm(keyOf(sealedBytes[0]), TagSize);
        aes.Decrypt(sealedBytes.Slice(1, NonceSize), sealedBytes[HeaderSize..], sealedBytes.Slice(1 + NonceSize, TagSize), plain, Where(rowKey, column));
        return plain;
    }

    private static byte[] Where(string rowKey, string column) => Encoding.UTF8.GetBytes(rowKey + "\n" + column);
}
