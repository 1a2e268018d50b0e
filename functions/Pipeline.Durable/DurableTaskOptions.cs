using System.ComponentModel.DataAnnotations;

namespace Pipeline.Durable;

/// <summary>The engine's settings, under <c>DurableTask:*</c>.</summary>
public sealed class DurableTaskOptions
{
    public const string Section = "DurableTask";

    /// <summary>Prefix of the hub's tables and blob container; hubs with different names share nothing. Default <c>pipeline</c>.</summary>
    [Required]
    [RegularExpression("^[a-z][a-z0-9]{2,30}$", ErrorMessage = "DurableTask:HubName must be 3-31 lowercase letters and digits, starting with a letter.")]
    public string HubName { get; set; } = "pipeline";

    /// <summary>This worker's name in leases. Default: machine, process id and a random suffix.</summary>
    public string WorkerId { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>How long a claimed orchestration step or activity is ours before another worker may take it. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait between polls of the work tables when nothing nudges the worker. Default 250 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Claims of one work item before it is set aside as poison and its instance failed. Default 5.</summary>
    [Range(1, 100)]
    public int MaxDequeueCount { get; set; } = 5;

    /// <summary>Orchestration steps run at once by this worker. Default 8.</summary>
    [Range(1, 256)]
    public int MaxConcurrentOrchestrations { get; set; } = 8;

    /// <summary>Activities run at once by this worker. Default 16.</summary>
    [Range(1, 1024)]
    public int MaxConcurrentActivities { get; set; } = 16;

    /// <summary>
    /// How long a worker keeps an instance after a step, to run the activities that step scheduled itself and feed
    /// their answers straight into the next step: no work item, no inbox message, no reload of the history. An
    /// activity still running when the time is up is handed to the work table, leased to this worker. Events raised
    /// meanwhile wait for the session's end, so this is also the most they are delayed. Zero turns sessions off; at
    /// most a third of <see cref="LeaseDuration"/> is used. Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan SessionTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The session time a worker uses: <see cref="SessionTimeout"/>, at most a third of the lease.</summary>
    internal TimeSpan EffectiveSessionTimeout => SessionTimeout < LeaseDuration / 3 ? SessionTimeout : LeaseDuration / 3;

    /// <summary>Payloads longer than this many characters go to a blob. Default 30,000 (a table string holds 32K).</summary>
    [Range(100, 32_000)]
    public int LargePayloadThreshold { get; set; } = 30_000;

    /// <summary>Whether this process runs the worker loops; a client-only process sets false. Default true.</summary>
    public bool RunWorker { get; set; } = true;
}
