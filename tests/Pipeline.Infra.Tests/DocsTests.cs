using System.Text.RegularExpressions;
using Pipeline.Storage.Emulator;

namespace Pipeline.Infra.Tests;

/// <summary>The README stays a five-minute read, and every link in it and in <c>docs/</c> leads somewhere in the repository.</summary>
public sealed partial class DocsTests
{
    private static readonly string Root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("No checkout root.");

    public static TheoryData<string> Documents() =>
        [.. new[] { Path.Combine(Root, "README.md"), Path.Combine(Root, "BENCHMARKS.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md")).Select(f => Path.GetRelativePath(Root, f))];

    [Fact]
    public void Readme_AtMost8KB_StartsWithTheTwoCommands()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md"));

        Assert.True(new FileInfo(Path.Combine(Root, "README.md")).Length <= 8 * 1024, "README.md is over 8 KB: move the detail to docs/.");
        var block = readme[(readme.IndexOf("```bash", StringComparison.Ordinal) + 7)..];
        var commands = block[..block.IndexOf("```", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["dotnet run --project functions/Pipeline.LocalHost", "dotnet test Pipeline.sln"], commands.Select(c => c.Split('#')[0].Trim()));
        Assert.Contains("dotnet test Pipeline.sln", File.ReadAllText(Path.Combine(Root, ".ci", "run")), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Links_ResolveInsideTheRepository(string document)
    {
        var path = Path.Combine(Root, document);
        var broken = new List<string>();
        foreach (Match link in Link().Matches(File.ReadAllText(path)))
        {
            var target = link.Groups["target"].Value;
            if (target.StartsWith("http://", StringComparison.Ordinal) || target.StartsWith("https://", StringComparison.Ordinal))
            {
                continue;
            }

            var (file, anchor) = target.Split('#', 2) is [var f, var a] ? (f, a) : (target, null);
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, file));
            if (!resolved.StartsWith(Root, StringComparison.Ordinal) || !(File.Exists(resolved) || Directory.Exists(resolved)))
            {
                broken.Add(target);
            }
            else if (anchor is not null && !Headings(resolved).Contains(anchor))
            {
                broken.Add(target + " (no such heading)");
            }
        }

        Assert.True(broken.Count == 0, $"{document}: {string.Join(", ", broken)}");
    }

    /// <summary>The anchors GitHub gives a file's headings: lower case, punctuation dropped, spaces as hyphens.</summary>
    private static HashSet<string> Headings(string file) =>
        [.. File.ReadLines(file).Where(l => l.StartsWith('#')).Select(l => Punctuation().Replace(l.TrimStart('#').Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-'))];

    [GeneratedRegex(@"\[[^\]]*\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"[^\p{L}\p{N}\- ]")]
    private static partial Regex Punctuation();
}
