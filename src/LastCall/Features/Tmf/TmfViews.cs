using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Customers;
using LastCall.Domain.Lines;
using LastCall.Domain.Tmf;
using LastCall.Hosting;

namespace LastCall.Features.Tmf;

/// <summary>A TMF <c>StringCharacteristic</c>: one named value of a product (<c>msisdn</c>, <c>plan</c>).</summary>
public sealed record TmfCharacteristic(string Name, string Value)
{
    public string ValueType => "string";

    [JsonPropertyName("@type")]
    public string Type => "StringCharacteristic";
}

/// <summary>
/// One eSIM profile realizing the product: a TMF <c>ResourceRef</c> subclassed (TMF630 polymorphism: <c>@type</c>
/// <c>EsimProfileRef</c>, <c>@baseType</c> <c>ResourceRef</c>) to say whether it is the phone's profile or a
/// companion device's sharing the number. <c>id</c> is the ICCID, <c>name</c> the device.
/// </summary>
public sealed record TmfResourceRef(string Id, string Name, string Role)
{
    [JsonPropertyName("@referredType")]
    public string ReferredType => "LogicalResource";

    [JsonPropertyName("@baseType")]
    public string BaseType => "ResourceRef";

    [JsonPropertyName("@type")]
    public string Type => "EsimProfileRef";
}

/// <summary>A TMF <c>PartyRef</c> to the customer: their id and their name masked (nothing else of them leaves).</summary>
public sealed record TmfPartyRef(string Id, string Name)
{
    [JsonPropertyName("@referredType")]
    public string ReferredType => "Individual";

    [JsonPropertyName("@type")]
    public string Type => "PartyRef";
}

/// <summary>The customer as a related party of a product (<c>RelatedPartyOrPartyRole</c>) or an order (<c>RelatedPartyRefOrPartyRoleRef</c>).</summary>
public sealed record TmfRelatedParty(string Role, TmfPartyRef PartyOrPartyRole, [property: JsonPropertyName("@type")] string Type);

/// <summary>
/// TMF637 v5 <c>Product</c>: one per line. <c>id</c> is the line's id (stable across owner changes; a number given out
/// again after quarantine is another product). Optional parts are null when not loaded (events carry the short form).
/// </summary>
public sealed record TmfProduct(
    string Id,
    string Href,
    string Name,
    string Status,
    DateTimeOffset StartDate,
    DateTimeOffset? TerminationDate,
    IReadOnlyList<TmfCharacteristic> ProductCharacteristic,
    IReadOnlyList<TmfResourceRef>? RealizingResource,
    IReadOnlyList<TmfRelatedParty>? RelatedParty)
{
    [JsonPropertyName("@type")]
    public string Type => "Product";
}

/// <summary>TMF622 v5 <c>ProductRef</c>: the product an order item acts on.</summary>
public sealed record TmfProductRef(string Id, string Href)
{
    [JsonPropertyName("@type")]
    public string Type => "ProductRef";
}

/// <summary>TMF622 v5 <c>ProductOrderItem</c>: the one item of a termination order.</summary>
public sealed record TmfProductOrderItem(string Id, string State, TmfProductRef Product)
{
    public string Action => "delete";

    public int Quantity => 1;

    [JsonPropertyName("@type")]
    public string Type => "ProductOrderItem";
}

/// <summary>TMF622 v5 <c>ProductOrderErrorMessage</c>: why a termination order was rejected or failed.</summary>
public sealed record TmfOrderErrorMessage(string Code, string Reason, string? Message, DateTimeOffset Timestamp)
{
    [JsonPropertyName("@type")]
    public string Type => "ProductOrderErrorMessage";
}

/// <summary>TMF622 v5 <c>ExternalIdentifier</c>: the BSS's own references for the order, kept as sent.</summary>
public sealed record TmfExternalIdentifier(
    string? Id,
    string? Owner,
    string? ExternalIdentifierType,
    [property: JsonPropertyName("@type")] string? Type = "ExternalIdentifier");

/// <summary>TMF622 v5 <c>ProductOrder</c> as LastCall answers it; <c>state</c> follows the cancellation it became.</summary>
public sealed record TmfProductOrder(
    string Id,
    string Href,
    string State,
    DateTimeOffset CreationDate,
    DateTimeOffset? ExpectedCompletionDate,
    DateTimeOffset? CompletionDate,
    DateTimeOffset? CancellationDate,
    string? Description,
    IReadOnlyList<TmfExternalIdentifier>? ExternalId,
    IReadOnlyList<TmfRelatedParty> RelatedParty,
    IReadOnlyList<TmfProductOrderItem> ProductOrderItem,
    IReadOnlyList<TmfOrderErrorMessage>? ProductOrderErrorMessage)
{
    [JsonPropertyName("@type")]
    public string Type => "ProductOrder";
}

/// <summary>The shapes above built from LastCall's records, and the hrefs they carry.</summary>
public static class TmfViews
{
    public const string ProductPath = "/tmf-api/productInventory/v5/product";
    public const string OrderPath = "/tmf-api/productOrdering/v5/productOrder";
    public const string HubPath = "/tmf-api/productInventory/v5/hub";

    /// <summary>Hrefs are absolute on the operator's public address (<c>Policies:PortalUrl</c>, as for certificates), never on a request's Host header.</summary>
    public static string Href(PolicySettings policies, string path, Guid id) => Href(policies, path, id.ToString());

    public static string Href(PolicySettings policies, string path, string id) => $"{policies.PortalUrl.TrimEnd('/')}{path}/{id}";

    /// <summary>
    /// A line as a product. <paramref name="owner"/> and the profiles are left out when null (an event's short form);
    /// the owner's name is masked.
    /// </summary>
    public static TmfProduct Product(Line line, Customer? owner, PolicySettings policies, bool withProfiles = true) => new(
        line.Id.ToString(),
        Href(policies, ProductPath, line.Id),
        line.Plan,
        ProductStatus.Of(line.Status),
        StartOfDay(line.ActivatedOn, policies),
        line.HasEnded ? line.StatusChangedAt : null,
        [new TmfCharacteristic("msisdn", line.Msisdn.Value), new TmfCharacteristic("plan", line.Plan)],
        withProfiles
            ? [.. line.Profiles.OrderBy(p => p.Role).ThenBy(p => p.Iccid.Value, StringComparer.Ordinal)
                .Select(p => new TmfResourceRef(p.Iccid.Value, p.DeviceLabel, p.Role == ProfileRole.Companion ? "companion" : "primary"))]
            : null,
        owner is null ? null : [Customer(owner, "RelatedPartyOrPartyRole")]);

    public static TmfRelatedParty Customer(Customer owner, string type) =>
        new("customer", new TmfPartyRef(owner.Id.ToString(), MaskName(owner.Name)), type);

    /// <summary>The first character, the rest starred (separators kept): 张伟 → 张*, James Miller → J**** ******.</summary>
    public static string MaskName(string name)
    {
        var elements = StringInfo.GetTextElementEnumerator(name);
        var masked = new System.Text.StringBuilder(name.Length);
        var first = true;
        while (elements.MoveNext())
        {
            var element = elements.GetTextElement();
            masked.Append(first || element is " " or "·" or "-" ? element : "*");
            first = false;
        }
        return masked.ToString();
    }

    /// <summary>A day as the instant it starts in the operator's time zone (<c>Policies:TimeZone</c>), in UTC.</summary>
    public static DateTimeOffset StartOfDay(DateOnly day, PolicySettings policies)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, policies.TimeZone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>
    /// TMF630 attribute selection: only the first-level attributes named in <paramref name="fields"/> (comma
    /// separated), always with <c>id</c>, <c>href</c> and <c>@type</c>; every attribute when null or empty. Names the
    /// resource does not carry select nothing.
    /// </summary>
    public static JsonNode Select<T>(T resource, string? fields)
    {
        var node = JsonSerializer.SerializeToNode(resource, TmfJson.Options)!.AsObject();
        var wanted = Fields(fields);
        if (wanted is null)
            return node;
        foreach (var name in node.Select(p => p.Key).ToList())
        {
            if (!wanted.Contains(name))
                node.Remove(name);
        }
        return node;
    }

    /// <summary>The selected attribute names, or null for all.</summary>
    public static HashSet<string>? Fields(string? fields)
    {
        if (string.IsNullOrWhiteSpace(fields))
            return null;
        return [.. fields.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), "id", "href", "@type"];
    }

    /// <summary>The order as the BSS sees it, from the cancellation it became.</summary>
    public static TmfProductOrder Order(ProductOrder order, CancellationRequest request, Line line, Customer owner, string? failure, PolicySettings policies)
    {
        var state = ProductOrder.StateOf(request.Status);
        var at = (CancellationStatus status) => request.History.Where(h => h.Status == status).Select(h => (DateTimeOffset?)h.At).Max();
        List<TmfOrderErrorMessage>? errors = request.Status switch
        {
            CancellationStatus.Rejected => [new("rejected_by_review", "A reviewer rejected the termination.", request.RejectionReason, request.DecidedAt ?? at(CancellationStatus.Rejected)!.Value)],
            CancellationStatus.Failed => [new("execution_failed", "A step of the termination keeps failing; a supervisor can retry it.", failure, at(CancellationStatus.Failed)!.Value)],
            _ => null,
        };
        var externalIds = JsonSerializer.Deserialize<List<TmfExternalIdentifier>>(order.ExternalIds, TmfJson.Options);
        return new TmfProductOrder(
            order.Id.ToString(),
            Href(policies, OrderPath, order.Id),
            state,
            order.CreatedAt,
            request.IsFinal ? null : StartOfDay(request.EffectiveOn, policies),
            request.Status == CancellationStatus.Completed ? request.CompletedAt : null,
            request.Status == CancellationStatus.Withdrawn ? at(CancellationStatus.Withdrawn) : null,
            order.Description,
            externalIds is { Count: > 0 } ? externalIds : null,
            [Customer(owner, "RelatedPartyRefOrPartyRoleRef")],
            [new TmfProductOrderItem(order.ItemId, state, new TmfProductRef(line.Id.ToString(), Href(policies, ProductPath, line.Id)))],
            errors);
    }
}
