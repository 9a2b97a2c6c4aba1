namespace LastCall.Domain.Lines;

/// <summary>
/// An existing line that a run of the subscriber import applied a row to without changing the line itself: a later row of
/// the same run with its number is then a duplicate. A line the run did write carries the run in
/// <see cref="Line.ImportRunId"/> instead. Kept apart from the line so that re-importing unchanged rows writes nothing into
/// the wide lines table (decision 0032); a run deletes its own at its end.
/// </summary>
public sealed class ImportRunLine(Guid runId, Guid lineId)
{
    public Guid RunId { get; private set; } = runId;

    public Guid LineId { get; private set; } = lineId;
}
