using Azure.Storage.Queues;

namespace Pipeline.Storage.Azure;

/// <summary>The queue store on Azure Storage (or Azurite), on the v12 SDK. Messages are added with an infinite time to live.</summary>
internal sealed class AzureQueueStore : IQueueStore
{
    // -1 s is the service's "never expires"; it also lifts the limit of delays to under 7 days.
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueServiceClient _client;
    private readonly CreatedOnce _queues;

    public AzureQueueStore(AzureClients clients)
    {
        _client = clients.Queues;
        _queues = new CreatedOnce(name => AzureErrors.Run($"Create queue '{name}'", () => _client.GetQueueClient(name).CreateIfNotExistsAsync()));
    }

    public async Task AddAsync(string queue, string content, TimeSpan initialVisibilityDelay = default, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateContent(content);
        QueueRules.ValidateVisibility(initialVisibilityDelay, nameof(initialVisibilityDelay));
        await _queues.EnsureAsync(queue);
        var reference = _client.GetQueueClient(queue);
        TimeSpan? delay = initialVisibilityDelay > TimeSpan.Zero ? initialVisibilityDelay : null;
        await AzureErrors.Run($"Add to queue '{queue}'", () => reference.SendMessageAsync(content, delay, NeverExpires, cancellationToken));
    }

    public async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateReceive(maxMessages, visibilityTimeout);
        await _queues.EnsureAsync(queue);
        var reference = _client.GetQueueClient(queue);
        var messages = await AzureErrors.Run($"Receive from queue '{queue}'", () => reference.ReceiveMessagesAsync(maxMessages, visibilityTimeout, cancellationToken));
        return messages.Value.Select(m => new QueueMessage(m.MessageId, m.PopReceipt, m.Body.ToString(), (int)m.DequeueCount, m.InsertedOn)).ToList();
    }

    public async Task<string> UpdateVisibilityAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        var reference = _client.GetQueueClient(queue);
        var receipt = await AzureErrors.Run(
            $"Update a message in queue '{queue}'",
            () => reference.UpdateMessageAsync(messageId, popReceipt, (string?)null, visibilityTimeout, cancellationToken));
        return receipt.Value.PopReceipt;
    }

    public Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        var reference = _client.GetQueueClient(queue);
        return AzureErrors.Run($"Delete a message from queue '{queue}'", () => reference.DeleteMessageAsync(messageId, popReceipt, cancellationToken));
    }
}
