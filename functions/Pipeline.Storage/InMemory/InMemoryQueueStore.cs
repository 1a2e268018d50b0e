namespace Pipeline.Storage.InMemory;

/// <summary>The in-memory twin of the queue store, for fast tests. Visibility follows the injected clock.</summary>
internal sealed class InMemoryQueueStore(TimeProvider time) : IQueueStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Stored>> _queues = new(StringComparer.Ordinal);

    public Task AddAsync(string queue, string content, TimeSpan initialVisibilityDelay = default, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateContent(content);
        QueueRules.ValidateVisibility(initialVisibilityDelay, nameof(initialVisibilityDelay));
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Messages(queue).Add(new Stored(Guid.NewGuid().ToString(), content, now) { VisibleAt = now + initialVisibilityDelay });
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateReceive(maxMessages, visibilityTimeout);
        var now = time.GetUtcNow();
        lock (_gate)
        {
            var received = new List<QueueMessage>();
            foreach (var message in Messages(queue).Where(m => m.VisibleAt <= now).Take(maxMessages))
            {
                message.VisibleAt = now + visibilityTimeout;
                message.DequeueCount++;
                message.PopReceipt = Guid.NewGuid().ToString("N");
                received.Add(new QueueMessage(message.Id, message.PopReceipt, message.Content, message.DequeueCount, message.InsertedOn));
            }

            return Task.FromResult<IReadOnlyList<QueueMessage>>(received);
        }
    }

    public Task<string> UpdateVisibilityAsync(string queue, string messageId, string popReceipt, TimeSpan visibilityTimeout, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        QueueRules.ValidateVisibility(visibilityTimeout, nameof(visibilityTimeout));
        lock (_gate)
        {
            var message = Find(queue, messageId, popReceipt);
            message.VisibleAt = time.GetUtcNow() + visibilityTimeout;
            message.PopReceipt = Guid.NewGuid().ToString("N");
            return Task.FromResult(message.PopReceipt);
        }
    }

    public Task DeleteAsync(string queue, string messageId, string popReceipt, CancellationToken cancellationToken = default)
    {
        QueueRules.ValidateName(queue);
        lock (_gate)
        {
            Messages(queue).Remove(Find(queue, messageId, popReceipt));
        }

        return Task.CompletedTask;
    }

    private Stored Find(string queue, string messageId, string popReceipt) =>
        Messages(queue).Find(m => m.Id == messageId && m.PopReceipt == popReceipt)
            ?? throw new NotFoundException($"Message '{messageId}' is not in queue '{queue}' under that pop receipt.") { StatusCode = 404 };

    private List<Stored> Messages(string queue)
    {
        if (!_queues.TryGetValue(queue, out var messages))
        {
            messages = [];
            _queues[queue] = messages;
        }

        return messages;
    }

    private sealed record Stored(string Id, string Content, DateTimeOffset InsertedOn)
    {
        public DateTimeOffset VisibleAt { get; set; }

        public int DequeueCount { get; set; }

        public string? PopReceipt { get; set; }
    }
}
