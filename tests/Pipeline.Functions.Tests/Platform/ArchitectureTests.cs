using System.Reflection;
using Microsoft.Extensions.Logging;
using NetArchTest.Rules;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.Tests;

/// <summary>
/// One home per feature, in a dependency order: a feature may use the features before it and the shared parts
/// (<c>Security</c>, <c>Http</c>, <c>Platform</c>), which use no feature; only the composition root (<c>FunctionsWorker</c>
/// and the <c>*Registration</c> classes of <c>Platform</c>) sees everything. Read from the compiled app (IL), so a
/// fully qualified name or a <c>var</c> counts as much as a <c>using</c>; a <c>const</c> is copied into
/// the IL of its user, so reading one is no reference.
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
        ["OperatorConsole"] = ["Waves", "Responses", "Aggregates", "WaveRun", "Operations"],
        ["Security"] = [],
        ["Http"] = [],
        ["Platform"] = [],
    };

    private static readonly string[] Shared = ["Security", "Http", "Platform"];

    /// <summary>The features: every folder but the shared parts.</summary>
    private static readonly string[] Features = [.. MayUse.Keys.Except(Shared)];

    public static TheoryData<string> Folders() => [.. MayUse.Keys];

    [Theory]
    [MemberData(nameof(Folders))]
    public void Folder_UsesOnlyTheFeaturesBeforeIt(string folder)
    {
        var result = Check(folder, Features.Where(f => f != folder && !MayUse[folder].Contains(f)));

        Assert.True(result.IsSuccessful, string.Join("\n", (result.FailingTypes ?? []).Select(t => $"{t.FullName}: {t.Explanation}")));
    }

    /// <summary>The rule sees a reference: forbidding a folder one that it does use fails, naming the types.</summary>
    [Fact]
    public void Rule_FailsOnAReferenceAgainstIt()
    {
        var result = Check("Aggregates", ["Waves"]);

        Assert.False(result.IsSuccessful);
        Assert.Contains(result.FailingTypes, t => t.FullName == "Pipeline.Functions.Aggregates.AggregateService");
    }

    private static TestResult Check(string folder, IEnumerable<string> forbidden) =>
        Types.InAssembly(typeof(FunctionsWorker).Assembly)
            .That().ResideInNamespace(App + folder)
            .And().DoNotHaveNameEndingWith("Registration")
            .And().DoNotHaveName(nameof(FunctionsWorker))
            .Should().NotHaveDependencyOnAny([.. forbidden.Select(f => App + f)])
            .GetResult();

    [Fact]
    public void Namespaces_AreTheFeaturesAndTheSharedParts_NoLayerFolders()
    {
        var namespaces = typeof(FunctionsWorker).Assembly.GetTypes()
            .Where(t => t.Namespace?.StartsWith(App, StringComparison.Ordinal) == true)
            .Select(t => t.Namespace![App.Length..])
            .ToHashSet();

        Assert.Subset(MayUse.Keys.ToHashSet(), namespaces);
    }

    /// <summary>One log table: every message of the app is in <c>Platform/Log</c>, each with its own EventId.</summary>
    [Fact]
    public void LogMessages_AllInTheLogTable_EachWithItsOwnEventId()
    {
        var messages = typeof(FunctionsWorker).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(m => (Type: t, Attribute: m.GetCustomAttributes(typeof(LoggerMessageAttribute), false).OfType<LoggerMessageAttribute>().SingleOrDefault())))
            .Where(m => m.Attribute is not null)
            .ToList();

        Assert.NotEmpty(messages);
        Assert.All(messages, m => Assert.Equal(typeof(Log), m.Type));
        Assert.Equal(messages.Count, messages.Select(m => m.Attribute!.EventId).Distinct().Count());
    }
}
