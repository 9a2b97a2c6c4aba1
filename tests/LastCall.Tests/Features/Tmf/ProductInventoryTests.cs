using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LastCall.Data;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Tmf;

/// <summary>
/// TMF637 products on both providers: one per line with the contract's status mapping, listed by status and by
/// customer, paged with the TMF630 headers, attribute selection, the single product with its profiles and masked
/// customer, and TMF errors; every answer validates against the TMF637 v5 schema.
/// </summary>
public sealed class ProductInventoryTests(PostgresCluster postgres)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private sealed record Page(HttpStatusCode Status, JsonElement Body, int Total, int Count)
    {
        public List<Guid> Ids => [.. Body.EnumerateArray().Select(p => p.GetProperty("id").GetGuid())];
    }

    private static async Task<Page> ListAsync(TmfHarness h, string query)
    {
        using var response = await h.Bss.GetAsync(TmfHarness.ProductPath + query, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        if (!response.IsSuccessStatusCode)
            return new Page(response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(), -1, -1);
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "ProductList", body);
        return new Page(response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(),
            int.Parse(response.Headers.GetValues("X-Total-Count").Single(), System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(response.Headers.GetValues("X-Result-Count").Single(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Products_AreListedByStatusAndParty_Paged_WithSelectedFields(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider);
        // One customer with a line in every state, another customer with one line.
        var active = await h.Host.AddLineAsync(new LineSpec { Name = "欧阳明月", Companion = "Apple Watch Series 10" });
        var same = new LineSpec { Name = "欧阳明月", IdNumber = active.IdNumber };
        var lines = await h.Host.AddLinesAsync(
            same with { Status = "suspended", StatusSince = "2026-10-01" },
            same with { Status = "barred", StatusSince = "2026-10-02" },
            same with { Status = "cancelled", StatusSince = "2026-09-01" },
            same);
        var (suspended, barred, cancelled, pending) = (lines[0], lines[1], lines[2], lines[3]);
        var other = await h.Host.AddLineAsync(new LineSpec { Name = "James Miller" });
        Assert.Equal(HttpStatusCode.Created, (await h.PlaceOrderAsync(TmfHarness.TerminationOrder(await h.ProductIdAsync(pending)))).Status);
        async Task<Guid> Id(TestLine line) => await h.ProductIdAsync(line);

        // Everything: the scenario's three lines and these six, in one page.
        var all = await ListAsync(h, "");
        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(9, all.Total);
        Assert.Equal(9, all.Count);
        Assert.All(all.Body.EnumerateArray(), p => TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "ProductFull", p));

        // By customer, and by customer and status.
        var partyId = (await h.GetProductAsync(await Id(active))).Body.GetProperty("relatedParty")[0].GetProperty("partyOrPartyRole").GetProperty("id").GetString()!;
        var party = await ListAsync(h, "?relatedParty.id=" + partyId);
        Assert.Equal(5, party.Total);
        Assert.Equal(new[] { await Id(active), await Id(suspended), await Id(barred), await Id(cancelled), await Id(pending) }.Order(), party.Ids.Order());
        Assert.All(party.Body.EnumerateArray(), p => Assert.Equal(partyId, p.GetProperty("relatedParty")[0].GetProperty("partyOrPartyRole").GetProperty("id").GetString()));
        var partySuspended = await ListAsync(h, $"?relatedParty.id={partyId}&status=suspended");
        Assert.Equal(new[] { await Id(suspended), await Id(barred) }.Order(), partySuspended.Ids.Order());
        Assert.All(partySuspended.Body.EnumerateArray(), p => Assert.Equal("suspended", p.GetProperty("status").GetString()));
        Assert.Equal(3, (await ListAsync(h, $"?relatedParty.id={partyId}&status=active,suspended")).Total);
        Assert.Equal([await Id(cancelled)], (await ListAsync(h, "?status=terminated")).Ids);
        Assert.Equal([await Id(pending)], (await ListAsync(h, "?status=pendingTerminate")).Ids);
        Assert.Equal([await Id(other)], (await ListAsync(h, "?status=active&relatedParty.id=" + (await h.GetProductAsync(await Id(other))).Body.GetProperty("relatedParty")[0].GetProperty("partyOrPartyRole").GetProperty("id").GetString())).Ids);
        var none = await ListAsync(h, "?status=created");
        Assert.Equal((HttpStatusCode.OK, 0, 0), (none.Status, none.Total, none.Count));
        Assert.Equal(0, (await ListAsync(h, "?relatedParty.id=not-a-customer")).Total);

        // Pages of two: 206 while partial, the headers count, and the pages join up without a repeat.
        var seen = new List<Guid>();
        for (var offset = 0; offset < 5; offset += 2)
        {
            var page = await ListAsync(h, $"?relatedParty.id={partyId}&limit=2&offset={offset}");
            Assert.Equal(HttpStatusCode.PartialContent, page.Status);
            Assert.Equal(5, page.Total);
            Assert.Equal(Math.Min(2, 5 - offset), page.Count);
            Assert.Equal(page.Count, page.Body.GetArrayLength());
            seen.AddRange(page.Ids);
        }
        Assert.Equal(party.Ids.Order(), seen.Order());
        Assert.Equal(seen.Count, seen.Distinct().Count());

        // Attribute selection keeps id, href and @type.
        var selected = await ListAsync(h, $"?relatedParty.id={partyId}&fields=status,name");
        Assert.All(selected.Body.EnumerateArray(), p => Assert.Equal(["@type", "href", "id", "name", "status"], p.EnumerateObject().Select(x => x.Name).Order(StringComparer.Ordinal)));

        // Bad parameters are TMF errors.
        foreach (var (query, code) in new[] { ("?status=gone", "invalid_status"), ("?limit=0", "invalid_limit"), ("?limit=1001", "invalid_limit"), ("?offset=-1", "invalid_offset"), ("?offset=x", "invalid_offset") })
        {
            var refused = await ListAsync(h, query);
            Assert.True(refused.Status == HttpStatusCode.BadRequest && refused.Body.GetProperty("code").GetString() == code, $"{query}: {refused.Status} {refused.Body}");
            TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Error", refused.Body);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Product_ShowsItsNumberPlanProfilesAndMaskedCustomer_AndUnknownIdsAreTmfErrors(DatabaseProvider provider)
    {
        await using var h = await TmfHarness.StartAsync(postgres, provider);
        var line = await h.Host.AddLineAsync(new LineSpec { Name = "James Miller", Companion = "Apple Watch Series 10" });
        var cancelled = await h.Host.AddLineAsync(new LineSpec { Name = "扎西次仁", Status = "cancelled", StatusSince = "2026-09-01" });
        var id = await h.ProductIdAsync(line);

        var answer = await h.GetProductAsync(id);
        Assert.Equal(HttpStatusCode.OK, answer.Status);
        var product = answer.Body;
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "ProductFull", product);
        Assert.Equal(id.ToString(), product.GetProperty("id").GetString());
        Assert.Equal("Product", product.GetProperty("@type").GetString());
        Assert.EndsWith($"/tmf-api/productInventory/v5/product/{id}", product.GetProperty("href").GetString(), StringComparison.Ordinal);
        Assert.Equal("active", product.GetProperty("status").GetString());
        Assert.Equal("5G畅享 129元", product.GetProperty("name").GetString());
        // Activated 2020-03-01 in Asia/Shanghai.
        Assert.Equal(new DateTimeOffset(2020, 2, 29, 16, 0, 0, TimeSpan.Zero), product.GetProperty("startDate").GetDateTimeOffset());
        Assert.False(product.TryGetProperty("terminationDate", out _));
        var characteristics = product.GetProperty("productCharacteristic").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("value").GetString());
        Assert.Equal(line.Msisdn, characteristics["msisdn"]);
        Assert.Equal("5G畅享 129元", characteristics["plan"]);
        var resources = product.GetProperty("realizingResource").EnumerateArray().ToList();
        Assert.Equal(["companion", "primary"], resources.Select(r => r.GetProperty("role").GetString()).Order(StringComparer.Ordinal));
        Assert.All(resources, r => Assert.Matches("^89[0-9]{18}$", r.GetProperty("id").GetString()));
        Assert.Equal("Apple Watch Series 10", resources.Single(r => r.GetProperty("role").GetString() == "companion").GetProperty("name").GetString());
        var party = Assert.Single(product.GetProperty("relatedParty").EnumerateArray());
        Assert.Equal("customer", party.GetProperty("role").GetString());
        Assert.Equal("J**** ******", party.GetProperty("partyOrPartyRole").GetProperty("name").GetString());
        var text = product.GetRawText();
        Assert.DoesNotContain("Miller", text, StringComparison.Ordinal);
        Assert.DoesNotContain(line.IdNumber, text, StringComparison.Ordinal);
        // Not even the ID number's last four digits (as a masked "****1234" would show them). Identifiers, links, dates
        // and the number itself may contain those four digits by chance (random ICCIDs did), so they are left out.
        Assert.DoesNotContain(StringValues(product), v => !IsIdentifierLinkOrDate(v) && v != line.Msisdn && v.Contains(line.IdNumber[^4..], StringComparison.Ordinal));

        var terminated = (await h.GetProductAsync(await h.ProductIdAsync(cancelled))).Body;
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "ProductFull", terminated);
        Assert.Equal("terminated", terminated.GetProperty("status").GetString());
        Assert.Equal(new DateOnly(2026, 9, 1), DateOnly.FromDateTime(terminated.GetProperty("terminationDate").GetDateTimeOffset().UtcDateTime));
        Assert.Equal("扎***", terminated.GetProperty("relatedParty")[0].GetProperty("partyOrPartyRole").GetProperty("name").GetString());

        var slim = (await h.GetProductAsync(id, fields: "status")).Body;
        Assert.Equal(["@type", "href", "id", "status"], slim.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        foreach (var path in new[] { $"{TmfHarness.ProductPath}/{Guid.NewGuid()}", $"{TmfHarness.ProductPath}/not-a-product" })
        {
            var missing = await CancellationApi.GetAsync(h.Bss, path);
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
            Assert.Equal("product_not_found", missing.Code);
            Assert.Equal("404", missing.Text("status"));
            TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Error", missing.Body);
        }
        var nowhere = await CancellationApi.GetAsync(h.Bss, "/tmf-api/productInventory/v5/nothing");
        Assert.Equal(HttpStatusCode.NotFound, nowhere.Status);
        TmfSchemas.AssertValid(TmfSchemas.ProductInventory, "Error", nowhere.Body);
    }

    /// <summary>The schemas are not a formality: they refuse what the specification does not allow.</summary>
    [Fact]
    public void Schemas_RefuseAnUnknownStatus_AMissingType_AndAnErrorWithoutReason()
    {
        static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;
        var product = """{"id":"1","href":"https://example.com/p/1","@type":"Product","name":"x","status":"active","startDate":"2020-02-29T16:00:00Z","productCharacteristic":[],"realizingResource":[],"relatedParty":[]}""";

        Assert.True(TmfSchemas.IsValid(TmfSchemas.ProductInventory, "ProductFull", Json(product)));
        Assert.False(TmfSchemas.IsValid(TmfSchemas.ProductInventory, "ProductFull", Json(product.Replace("\"active\"", "\"ACTIVE\"", StringComparison.Ordinal))));
        Assert.False(TmfSchemas.IsValid(TmfSchemas.ProductInventory, "ProductFull", Json(product.Replace("\"@type\":\"Product\",", "", StringComparison.Ordinal))));
        Assert.False(TmfSchemas.IsValid(TmfSchemas.ProductInventory, "ProductFull", Json(product.Replace("2020-02-29T16:00:00Z", "yesterday", StringComparison.Ordinal))));
        Assert.False(TmfSchemas.IsValid(TmfSchemas.ProductInventory, "Error", Json("""{"@type":"Error","code":"x","status":"404"}""")));
        Assert.False(TmfSchemas.IsValid(TmfSchemas.ProductOrdering, "ProductOrder", Json("""{"@type":"ProductOrder","id":"1","href":"https://example.com/o/1","state":"done","productOrderItem":[{"@type":"ProductOrderItem","id":"1","action":"delete"}]}""")));
    }

    private static bool IsIdentifierLinkOrDate(string value) =>
        Regex.IsMatch(value, "^89[0-9]{18}$") || Guid.TryParse(value, out _) || value.StartsWith('/') || value.StartsWith("http", StringComparison.Ordinal)
        || DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _);

    /// <summary>Every string value anywhere in <paramref name="element"/>.</summary>
    private static IEnumerable<string> StringValues(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => StringValues(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(StringValues),
        _ => [],
    };
}
