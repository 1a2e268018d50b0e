namespace Pipeline.Storage;

/// <summary>A received message. <paramref name="PopReceipt"/> proves the receive and changes with each one.</summary>
public sealed record QueueMessage(string Id, string PopReceipt, string Content, int DequeueCount, DateTimeOffset? InsertedOn);
