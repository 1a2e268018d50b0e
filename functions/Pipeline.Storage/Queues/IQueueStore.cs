namespace Pipeline.Storage;

/// <summary>
/// Queue storage. Messages are UTF-8 text of at most <see cref="MaxMessageBytes"/> bytes; delivery is at
/// least once. Queues are created on first use. Messages never expire.
/// </summary>
public interface IQueueStore
{
    /// <summary>48 KiB: Azure's 64 KiB message limit, less its base64 encoding.</summary>
    public const int MaxMessageBytes = 48 * 1024;

    /// <summary>Azure's cap on a visibility delay or timeout: 7 days.</summary>
    public static readonly TimeSpan MaxVisibility = TimeSpan.FromDays(7);

    /// <summary>Adds a message that becomes visible after <paramref name="initialVisibilityDelay"/> (0 to 7 days).</summary>
    Task AddAsync(string queue, string content, TimeSpan initialVisibilityDelay = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives up to <paramref name="maxMessages"/> (1-32) visible messages and hides them for
    /// <paramref name="visibilityTimeout"/> (1 second to 7 days). Each receive increments a message's dequeue count.
    /// </summary>
    Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Hides a received message for <paramref name="visibilityTimeout"/> from now and returns its new pop receipt.
    /// A stale pop receipt is a <see cref="NotFoundException"/>.
    /// </summary>
    Task<string> UpdateVisibilityAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default);

    /// <summary>Deletes a received message. A stale pop receipt is a <see cref="NotFoundException"/>.</summary>
    Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default);
}
