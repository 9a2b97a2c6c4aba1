using System.Globalization;
using System.Text.Json.Nodes;
using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Domain.Lines;
using LastCall.Domain.Tmf;
using LastCall.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Tmf;

/// <summary>
/// TMF637 v5 <c>GET /tmf-api/productInventory/v5/product</c>: every line as a product, oldest first. Filters
/// <c>status</c> (one or more <c>ProductStatusType</c> values, comma separated: any of them) and
/// <c>relatedParty.id</c> (the customer); paging with <c>offset</c> (default 0) and <c>limit</c> (default
/// <see cref="DefaultLimit"/>, at most <see cref="MaxLimit"/>); <c>fields</c> selects first-level attributes.
/// <c>X-Total-Count</c> is how many match, <c>X-Result-Count</c> how many this page holds; a page that holds fewer
/// than match answers 206 Partial Content (TMF630), the whole list 200.
/// </summary>
public sealed class ListProducts(AppDbContext db, PolicySettings policies)
{
    /// <summary>A page of products (each with the selected fields), how many match, and whether the page holds them all.</summary>
    public sealed record ProductPage(JsonArray Items, int Total, bool Complete);

    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static void Map(RouteGroupBuilder tmf) =>
        tmf.MapGet("/productInventory/v5/product", async (
                [FromQuery] string? status, [FromQuery(Name = "relatedParty.id")] string? relatedPartyId, [FromQuery] string? offset, [FromQuery] string? limit,
                [FromQuery] string? fields, ListProducts list, PolicySettings policies, HttpContext http, CancellationToken ct) =>
            {
                var found = await list.HandleAsync(status, relatedPartyId, offset, limit, fields, ct);
                if (!found.IsSuccess)
                    return TmfError.From(found.Error!, policies.PaymentUrl);
                var page = found.Value;
                http.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
                http.Response.Headers["X-Result-Count"] = page.Items.Count.ToString(CultureInfo.InvariantCulture);
                return TypedResults.Json(page.Items, TmfJson.Options, statusCode: page.Complete ? StatusCodes.Status200OK : StatusCodes.Status206PartialContent);
            })
            .WithSummary("TMF637 v5: list products (one per line), by status and customer, paged.")
            .Produces<List<TmfProduct>>(StatusCodes.Status200OK)
            .Produces<List<TmfProduct>>(StatusCodes.Status206PartialContent)
            .Produces<TmfError>(StatusCodes.Status400BadRequest);

    public async Task<Result<ProductPage>> HandleAsync(string? status, string? relatedPartyId, string? offset, string? limit, string? fields, CancellationToken ct)
    {
        var skip = 0;
        if (offset is not null && (!int.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out skip)))
            return Fail.Validation("offset", "invalid_offset", "offset is a whole number from 0.");
        var take = DefaultLimit;
        if (limit is not null && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out take) || take is < 1 or > MaxLimit))
            return Fail.Validation("limit", "invalid_limit", $"limit is a whole number from 1 to {MaxLimit}.");

        var lines = db.Lines.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<LineStatus>();
            foreach (var word in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (ProductStatus.LineStatusesFor(word) is not { } matching)
                    return Fail.Validation("status", "invalid_status", $"status is one or more of {string.Join(", ", ProductStatus.All)}, comma separated.");
                statuses.AddRange(matching);
            }
            lines = lines.Where(l => statuses.Contains(l.Status));
        }
        if (relatedPartyId is not null)
        {
            // A party id that is no customer's id matches nothing, like any other unknown id.
            var customerId = Guid.TryParse(relatedPartyId, out var id) ? id : Guid.Empty;
            lines = lines.Where(l => l.CustomerId == customerId);
        }

        var total = await lines.CountAsync(ct);
        var page = await lines.OrderBy(l => l.Id).Skip(skip).Take(take).ToListAsync(ct);
        var ownerIds = page.Select(l => l.CustomerId).Distinct().ToList();
        var owners = await db.Customers.AsNoTracking().Where(c => ownerIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);

        var items = new JsonArray([.. page.Select(l => TmfViews.Select(TmfViews.Product(l, owners[l.CustomerId], policies), fields))]);
        return new ProductPage(items, total, Complete: skip == 0 && page.Count == total);
    }
}
