namespace Pipeline.Functions.Tests;

/// <summary>
/// Test classes whose hosts release responses on the shared test Azurite run one after another: a release
/// takes every pending response of the storage account (as it should in production), so a release by one
/// test would take another test's pending responses from under its assertions.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ReleasesOnAzurite
{
    public const string Name = "Releases on the shared Azurite";
}
