using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>The rules both queue stores enforce, so that the twin refuses what Azure refuses.</summary>
internal static partial class QueueRules
{
    public static void ValidateName(string queue)
    {
        if (!QueueName().IsMatch(queue) || queue.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Queue name '{queue}' must be 3-63 lowercase letters, digits and single dashes.", nameof(queue));
        }
    }

    public static void ValidateContent(string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = Encoding.UTF8.GetByteCount(content);
        if (bytes > IQueueStore.MaxMessageBytes)
        {
            throw new ArgumentException($"A queue message holds at most {IQueueStore.MaxMessageBytes} bytes; this one has {bytes}.", nameof(content));
        }
    }

    public static void ValidateVisibility(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > IQueueStore.MaxVisibility)
        {
            throw new ArgumentOutOfRangeException(name, value, "A visibility delay or timeout lies between 0 and 7 days.");
        }
    }

    public static void ValidateReceive(int maxMessages, TimeSpan visibilityTimeout)
    {
        if (visibilityTimeout < TimeSpan.FromSeconds(1) || visibilityTimeout > IQueueStore.MaxVisibility)
        {
            throw new ArgumentOutOfRangeException(nameof(visibilityTimeout), visibilityTimeout, "A receive hides messages for 1 second to 7 days.");
        }

        if (maxMessages is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(maxMessages), maxMessages, "A receive takes 1 to 32 messages.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex QueueName();
}
