using LastCall.Domain.Common;
using LastCall.Security;
using LastCall.Web;
using LastCall.Web.OpenApi;

namespace LastCall.Features.Lookup;

/// <summary>
/// POST /api/v1/receipts/verify (anyone, like a certificate's check): is this lookup receipt ours and unchanged? 200
/// <c>{valid:true, payload}</c>, or <c>{valid:false}</c> for a changed byte, another key or anything that is not a receipt.
/// Needs neither the database nor the register.
/// </summary>
public sealed class VerifyLookupReceipt(LookupReceipts receipts)
{
    public sealed record ReceiptToVerify(string? Receipt);

    /// <summary><see cref="Payload"/> is the receipt's payload (<see cref="LookupReceiptPayload"/>'s fields) only when valid.</summary>
    public sealed record ReceiptVerification(bool Valid, LookupReceiptPayload? Payload);

    public Result<ReceiptVerification> Handle(ReceiptToVerify body)
    {
        if (string.IsNullOrWhiteSpace(body.Receipt))
            return Fail.Validation("receipt", "receipt_required", "Give the receipt as it came with the answer: {\"receipt\": \"eyJ…\"}.");
        if (body.Receipt.Length > LookupReceipts.MaxLength)
            return Fail.Validation("receipt", "receipt_too_large", $"A receipt is at most {LookupReceipts.MaxLength:N0} characters; this is not one.");
        var payload = receipts.Verify(body.Receipt.Trim());
        return new ReceiptVerification(payload is not null, payload);
    }

    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/receipts/verify", (ReceiptToVerify body, VerifyLookupReceipt verify) => verify.Handle(body).ToOk())
            .AllowAnonymous()
            // Anyone may ask, so all anonymous callers share one bucket (Partners:RateLimit): a flood costs at most that many ECDSA checks a second.
            .RequirePartnerRateLimit()
            .WithTags("Partners")
            .AnswersWithoutDatabase()
            .Fails(ErrorKind.Validation)
            .WithSummary("Check a lookup receipt (compact JWS, ES256): valid with its payload, or not valid.");
}
