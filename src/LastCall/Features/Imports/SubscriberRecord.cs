using LastCall.Domain.Customers;
using LastCall.Domain.Lines;

namespace LastCall.Features.Imports;

/// <summary>The status a line has in the operator's system of record at import time.</summary>
public enum ImportedStatus
{
    Active,
    Suspended,
    Barred,
    Cancelled,
}

/// <summary>One subscriber row that passed every check that needs no database.</summary>
public sealed record SubscriberRecord(
    int Row,
    LineDetails Line,
    string Name,
    IdDocument Id,
    string? ServicePassword,
    string? ServicePasswordHash,
    decimal Balance,
    decimal Arrears,
    IReadOnlyList<ProfileSpec> Profiles,
    ImportedStatus Status,
    DateOnly? StatusSince,
    string Language,
    string? Email,
    string? NumberCategory = null);

/// <summary>A row that was not imported: its line number in the file, a stable code and a reason.</summary>
public sealed record RowRejection(int Row, string Code, string Detail);
