using LastCall.Data;
using LastCall.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>TMF637 v5 <c>GET /tmf-api/productInventory/v5/product/{id}</c>: one line as a product (<c>fields</c> selects attributes); 404 as a TMF error.</summary>
public static class GetProduct
{
    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapGet("/productInventory/v5/product/{id}", HandleAsync)
            .WithSummary("TMF637 v5: one product (a line) by id.")
            .Produces<TmfProduct>(StatusCodes.Status200OK)
            .Produces<TmfError>(StatusCodes.Status404NotFound);

    internal static async Task<IResult> HandleAsync(string id, [FromQuery] string? fields, AppDbContext db, PolicySettings policies, CancellationToken ct)
    {
        if (!Guid.TryParse(id, out var lineId) || await db.Lines.AsNoTracking().FirstOrDefaultAsync(l => l.Id == lineId, ct) is not { } line)
            return TmfError.NotFound("product_not_found", "product");
        var owner = await db.Customers.AsNoTracking().FirstAsync(c => c.Id == line.CustomerId, ct);
        return TypedResults.Json(TmfViews.Select(TmfViews.Product(line, owner, policies), fields), TmfJson.Options);
    }
}
