using System.Text.Json.Nodes;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Hosting;
using LastCall.Web;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>TMF637 v5 <c>GET /tmf-api/productInventory/v5/product/{id}</c>: one line as a product (<c>fields</c> selects attributes); 404 as a TMF error.</summary>
public sealed class GetProduct(AppDbContext db, PolicySettings policies)
{
    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapGet("/productInventory/v5/product/{id}", async (string id, [FromQuery] string? fields, GetProduct get, PolicySettings policies, CancellationToken ct) =>
                (await get.HandleAsync(id, fields, ct)).ToTmf(policies))
            .WithSummary("TMF637 v5: one product (a line) by id.")
            .Produces<TmfProduct>(StatusCodes.Status200OK)
            .Produces<TmfError>(StatusCodes.Status404NotFound);

    public async Task<Result<JsonNode>> HandleAsync(string id, string? fields, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var lineId) || await db.Lines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct) is not { } line)
            return Fail.NotFound("product_not_found", "No such product.");
        var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line.CustomerId, ct);
        return TmfViews.Select(TmfViews.Product(line, owner, policies), fields);
    }
}
