namespace Pipeline.Functions.Security;

/// <summary>What a key opens. An operator's key opens everything an analyst's does.</summary>
internal enum Role
{
    /// <summary>The aggregates and the dashboard.</summary>
    Analyst,

    /// <summary>Everything: waves, samples, letters and manifests, paper forms, the durable API.</summary>
    Operator,
}
