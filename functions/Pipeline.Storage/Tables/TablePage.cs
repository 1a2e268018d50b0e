namespace Pipeline.Storage;

/// <summary>One page of a table query. <paramref name="Continuation"/> is null on the last page.</summary>
public sealed record TablePage(IReadOnlyList<TableRow> Rows, string? Continuation);
