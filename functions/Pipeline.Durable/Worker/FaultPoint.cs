namespace Pipeline.Durable.Worker;

/// <summary>The points of a step where tests inject a crash.</summary>
internal enum FaultPoint
{
    /// <summary>The step has run the code; nothing is written yet.</summary>
    BeforeSend,

    /// <summary>Outbound work and messages are written; the history is not committed.</summary>
    AfterSend,

    /// <summary>Just before the commit batch.</summary>
    BeforeCommit,

    /// <summary>The commit landed; the ready row is still leased.</summary>
    AfterCommit,

    /// <summary>Before the ready row is deleted or released.</summary>
    BeforeRelease,

    /// <summary>An activity ran; its result is not stored.</summary>
    ActivityAfterRun,

    /// <summary>An activity's result is stored; its work item is not deleted.</summary>
    ActivityBeforeDelete,

    /// <summary>A due timer's message is delivered; the timer row is not deleted.</summary>
    TimerBeforeDelete,
}

/// <summary>A hook at each <see cref="FaultPoint"/>; production has none, tests throw from it to simulate a crash.</summary>
internal interface IFaultInjector
{
    void At(FaultPoint point, string instanceId);
}

internal sealed class NoFaults : IFaultInjector
{
    public void At(FaultPoint point, string instanceId)
    {
    }
}
