using Microsoft.WindowsAzure.Storage.Queue;

namespace Pipeline.Storage.Azure;

/// <summary>The queue store on Azure Storage (or Azurite). Messages are added with an infinite time to live.</summary>
internal sealed class AzureQueueStore : IQueueStore
{
    // -1 s is the service's "never expires"; it also lifts the SDK's refusal of delays of 7 days.
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly CloudQueueClient _client;
    private readonly CreatedOnce _queues;

    public AzureQueueStore(AzureStorageAccount account)
    {
        _client = account.Queues;
        _queues = new CreatedOnce(name => AzureErrors.Run($"Create queue '{name}'", () => _client.GetQueueReference(name).CreateIfNotExistsAsync()));
    }

    public async Task AddAsync(string queue, string content, TimeSpan initialVisibilityDelay = default, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateContent(content);
        QueueRules.ValidateVisibility(initialVisibilityDelay, nameof(initialVisibilityDelay));
        await _queues.EnsureAsync(queue);
        var reference = _client.GetQueueReference(queue);
        TimeSpan? delay = initialVisibilityDelay > TimeSpan.Zero ? initialVisibilityDelay : null;
        await AzureErrors.Run($"Add to queue '{queue}'", () => reference.AddMessageAsync(new CloudQueueMessage(content), NeverExpires, delay, null, null, cancellationToken));
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateReceive(maxMessages, visibilityTimeout);
        await _queues.EnsureAsync(queue);
        var reference = _client.GetQueueReference(queue);
        var messages = await AzureErrors.Run($"Receive from queue '{queue}'", () => reference.GetMessagesAsync(maxMessages, visibilityTimeout, null, null, cancellationToken));
        return messages.Select(m => new QueueMessage(m.Id, m.PopReceipt, m.AsString, m.DequeueCount, m.InsertionTime)).ToList();
    }

    public async Task<string> UpdateVisibilityAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        var message = new CloudQueueMessage(messageId, popReceipt);
        var reference = _client.GetQueueReference(queue);
        await AzureErrors.Run(
            $"Update message '{messageId}' in queue '{queue}'",
            () => reference.UpdateMessageAsync(message, visibilityTimeout, MessageUpdateFields.Visibility, null, null, cancellationToken));
        return message.PopReceipt;
    }

    public Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        var reference = _client.GetQueueReference(queue);
        return AzureErrors.Run($"Delete message '{messageId}' from queue '{queue}'", () => reference.DeleteMessageAsync(messageId, popReceipt, null, null, cancellationToken));
    }
}
