namespace Pipeline.Durable.Tests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds, doing <paramref name="between"/> between polls; fails after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null, Action? between = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting for: {what}");
            }

            between?.Invoke();
            await Task.Delay(20);
        }
    }
}
