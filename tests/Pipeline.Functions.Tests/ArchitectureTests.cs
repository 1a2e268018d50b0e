using NetArchTest.Rules;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.Tests;

/// <summary>
/// One home per feature, in a dependency order: a feature may use the features before it and the shared parts
/// (<c>Security</c>, <c>Http</c>, <c>Platform</c>), which use no feature; only the composition root (<c>FunctionsWorker</c>
/// and the <c>*Registration</c> classes of <c>Platform</c>) sees everything. Read from the compiled app (IL), so a
/// fully qualified name or a <c>var</c> counts as much as a <c>using</c>.
/// </summary>
public sealed class ArchitectureTests
{
    private const string App = "Pipeline.Functions.";

    /// <summary>What each folder may use besides the shared parts, in the order of the features.</summary>
    private static readonly Dictionary<string, string[]> MayUse = new()
    {
        ["Waves"] = [],
        ["Responses"] = ["Waves"],
        ["Aggregates"] = ["Waves", "Responses"],
        ["WaveRun"] = ["Waves", "Responses", "Aggregates"],
        ["Operations"] = ["Waves"],
        ["Security"] = [],
        ["Http"] = [],
        ["Platform"] = [],
    };

    private static readonly string[] Shared = ["Security", "Http", "Platform"];

    /// <summary>The features: every folder but the shared parts.</summary>
    private static readonly string[] Features = [.. MayUse.Keys.Except(Shared)];

    /// <summary>
    /// The references against the order that the layout inherited, by type: each is a cycle still to break. The list
    /// only shrinks: a new forbidden reference fails, and so does a broken cycle left on the list.
    /// </summary>
    private static readonly Dictionary<string, string[]> Inherited = new()
    {
        // The analysts' session key is derived from Waves:TokenHashKey.
        ["Security"] = ["Pipeline.Functions.Security.KeyRing"],
        // The page shell offers the form's languages, in their own names.
        ["Http"] = ["Pipeline.Functions.Http.PageHtml"],
    };

    public static TheoryData<string> Folders() => [.. MayUse.Keys];

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_UsesOnlyTheFeaturesBeforeIt(string folder)
    {
        var forbidden = Features.Where(f => f != folder && !MayUse[folder].Contains(f)).Select(f => App + f).ToArray();

        var result = Types.InAssembly(typeof(FunctionsWorker).Assembly)
            .That().ResideInNamespace(App + folder)
            .And().DoNotHaveNameEndingWith("Registration")
            .And().DoNotHaveName(nameof(FunctionsWorker))
            .Should().NotHaveDependencyOnAny(forbidden)
            .GetResult();

        var failing = (result.FailingTypes ?? []).Select(t => t.FullName.Split('/', '<')[0]).Distinct().Order().ToList();
        Assert.True(Inherited.GetValueOrDefault(folder, []).Order().SequenceEqual(failing), string.Join("\n", (result.FailingTypes ?? []).Select(t => $"{t.FullName}: {t.Explanation}")));
    }

    [Fact]
    public void Namespaces_AreTheFeaturesAndTheSharedParts_NoLayerFolders()
    {
        var namespaces = typeof(FunctionsWorker).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith(App, StringComparison.Ordinal) == true)
            .Select(t => t.Namespace![App.Length..])
            .ToHashSet();

        Assert.Subset(MayUse.Keys.ToHashSet(), namespaces);
    }
}
