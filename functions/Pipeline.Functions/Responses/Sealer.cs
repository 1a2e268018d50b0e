using System.Security.Cryptography;

namespace Pipeline.Functions.Responses;

/// <summary>
/// AES-256-GCM under a server key, for the few things that sit next to a token hash for a while: a draft's
/// answers and a submission waiting for its release. A reader of the storage account without the key learns
/// nothing from them. Layout: 12-byte nonce, 16-byte tag, ciphertext.
/// </summary>
internal sealed class Sealer(byte[] key)
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    public byte[] Seal(ReadOnlySpan<byte> plain)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return sealedBytes;
    }

    /// <summary>The plain bytes; <see cref="AuthenticationTagMismatchException"/> when altered or sealed under another key.</summary>
    public byte[] Open(ReadOnlySpan<byte> sealedBytes)
    {
        var plain = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plain);
        return plain;
    }
}
