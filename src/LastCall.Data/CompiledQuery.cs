using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace LastCall.Data;

/// <summary>
/// A query compiled once per EF model (<c>EF.CompileAsyncQuery</c>), for the hottest paths: EF's per-call query cache
/// lookup builds a key from the expression tree, which costs more host CPU than a short query's round trip. EF binds a
/// compiled query to the model it first ran with, and one process may use two (SQLite and PostgreSQL build different
/// models: the tests do, and so do the verbs that copy between databases), hence one per model.
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConcurrentDictionary<IModel, TQuery> _compiled = new();

    public TQuery For(DbContext db) => _compiled.GetOrAdd(db.Model, _ => compile());
}
