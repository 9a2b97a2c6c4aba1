using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LastCall.Data;

/// <summary>
/// Runs a claim statement on PostgreSQL: one <c>… FOR UPDATE SKIP LOCKED … UPDATE … RETURNING "Id"</c>.
/// Plumbing on the context, so the claims of each feature use it without depending on the jobs that call them.
/// </summary>
public static class PostgresClaim
{
    /// <summary>The ids the statement leased to this worker.</summary>
    public static async Task<IReadOnlyList<Guid>> RunAsync(AppDbContext db, string sql, (string Name, object Value)[] parameters, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        var claimed = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            claimed.Add(reader.GetGuid(0));
        return claimed;
    }
}
