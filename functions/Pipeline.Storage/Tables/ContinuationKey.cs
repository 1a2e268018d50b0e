using System.Text;

namespace Pipeline.Storage;

/// <summary>An opaque continuation made of two strings, safe to hand to a caller.</summary>
internal static class ContinuationKey
{
    public static string Format(string first, string second) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(first + '\n' + second));

    public static (string First, string Second) Parse(string continuation)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(continuation));
            var split = text.IndexOf('\n', StringComparison.Ordinal);
            if (split >= 0)
            {
                return (text[..split], text[(split + 1)..]);
            }
        }
        catch (FormatException)
        {
        }

        throw new ArgumentException($"'{continuation}' is not a continuation this store issued.", nameof(continuation));
    }
}
