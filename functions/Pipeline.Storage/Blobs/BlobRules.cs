using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>The rules both blob stores enforce, so that the twin refuses what Azure refuses.</summary>
internal static partial class BlobRules
{
    public static void ValidateContainer(string container)
    {
        if (!ContainerName().IsMatch(container) || container.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"Container name '{container}' must be 3-63 lowercase letters, digits and single dashes.", nameof(container));
        }
    }

    public static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 1024 || name.EndsWith('/') || name.Any(char.IsControl))
        {
            throw new ArgumentException($"Blob name '{name}' must be 1-1024 characters, not end in '/', and hold no control characters.", nameof(name));
        }
    }

    public static void ValidatePage(int pageSize)
    {
        if (pageSize is < 1 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "A listing page holds 1 to 5000 blobs.");
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")]
    private static partial Regex ContainerName();
}
