using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Functions.Waves;

/// <summary>
/// The secrets behind access tokens (section <c>Waves</c>). Neither is ever logged.
/// <c>TokenSecret</c> derives each wave's token key; <c>TokenHashKey</c> keys the hash under which storage knows
/// a token, so that the stored hashes cannot be tested against guessed tokens without it.
/// </summary>
internal sealed class WaveOptions
{
    public const string Section = "Waves";

    [Required]
    [MinLength(32, ErrorMessage = "Waves:TokenSecret must be at least 32 characters.")]
    public string TokenSecret { get; set; } = string.Empty;

    [Required]
    [MinLength(32, ErrorMessage = "Waves:TokenHashKey must be at least 32 characters.")]
    public string TokenHashKey { get; set; } = string.Empty;

    /// <summary>
    /// How long a wave's run pauses before it tries a failed step (letters, close, purge) again, after the quick retries;
    /// it tries for as long as it takes. Default 1 hour.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan RetryPause { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The wait before the first of a step's five quick retries (each next one waits twice as long). Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Largest file (a sample, an extract to draw from, keyed-in paper forms) in bytes; default 512 MiB (500,000 rows take
    /// about 60 MB). A file sent in one request also meets the Functions host's body limit (<see cref="HostMaxRequestBodyBytes"/>);
    /// a larger one goes in chunks (<see cref="Imports"/>).
    /// </summary>
    [Range(1024, 4L * 1024 * 1024 * 1024)]
    public long MaxSampleBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>Largest chunk of an upload in bytes; default 8 MiB, far below the host's body limit.</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxChunkBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// The Functions host's default request body limit (<c>FUNCTIONS_REQUEST_BODY_SIZE_LIMIT</c> unset): azure-functions-host
    /// ScriptConstants <c>DefaultMaxRequestBodySize = 104857600</c>, set on Kestrel at start-up. Above it the host, not the
    /// app, answers, with a bare 500 (azure-functions-host#10519), so a one-request upload is refused here first.
    /// </summary>
    public const long HostMaxRequestBodyBytes = 104_857_600;

    /// <summary>The key that derives the tokens of one wave: HMAC(TokenSecret, wave id).</summary>
    public byte[] WaveSecret(string waveId) => HMACSHA256.HashData(Encoding.UTF8.GetBytes(TokenSecret), Encoding.UTF8.GetBytes(waveId));

    public byte[] HashKey => Encoding.UTF8.GetBytes(TokenHashKey);

    /// <summary>
    /// The version of the key that seals new drafts and waiting submissions; default 1. Raise it to rotate: values
    /// sealed under earlier versions still open.
    /// </summary>
    [Range(1, 255)]
    public int SealKeyVersion { get; set; } = 1;

    /// <summary>The seal key of one version: derived from <c>TokenHashKey</c> for this one use.</summary>
    public byte[] SealKey(byte version) => HMACSHA256.HashData(HashKey, Encoding.UTF8.GetBytes($"responses/seal/v{version}"));
}
