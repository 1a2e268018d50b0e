using Azure;
using Pipeline.Storage.Azure;

namespace Pipeline.Storage.Tests;

/// <summary>SDK failures become ours, also when a library built on the SDK wraps them (the task hub's backend does).</summary>
public sealed class AzureErrorsTests
{
    [Theory]
    [InlineData(503, null, typeof(StoreException))]
    [InlineData(404, "TableNotFound", typeof(StoreException))]
    [InlineData(409, "QueueAlreadyExists", typeof(ConflictException))]
    public async Task Run_SdkFailureDirectOrWrapped_BecomesOurs(int status, string? code, Type expected)
    {
        var failure = new RequestFailedException(status, "storage said no", code, null);

        var direct = await Assert.ThrowsAnyAsync<StoreException>(() => AzureErrors.Run("The task hub", () => Task.FromException(failure)));
        var wrapped = await Assert.ThrowsAnyAsync<StoreException>(() => AzureErrors.Run("The task hub", () => Task.FromException(new InvalidOperationException("a library's wrapper", failure))));

        Assert.Equal(expected, direct.GetType());
        Assert.Equal(expected, wrapped.GetType());
        Assert.StartsWith("The task hub", wrapped.Message, StringComparison.Ordinal);
    }
}
