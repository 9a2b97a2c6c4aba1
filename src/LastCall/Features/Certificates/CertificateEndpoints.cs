using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Certificates;

/// <summary>
/// The certificate as a PDF for its owner and staff (<see cref="GetCertificatePdf"/>), the public verification by number (the QR code's
/// target), verification of a certificate someone holds, and the public keys for offline checks.
/// </summary>
public static class CertificateEndpoints
{
    public sealed record Verification(bool Valid, string? CertificateNumber, string? MsisdnMasked, DateOnly? CancelledOn, string? Channel, string? Signature, string? PublicKeyId);

    public sealed record HeldCertificate(string? CanonicalData, string? Signature, string? KeyId);

    public static void Map(IEndpointRouteBuilder app)
    {
        GetCertificatePdf.Map(app);
        app.MapGet("/api/v1/certificates/{number}", VerifyAsync)
            .AllowAnonymous()
            .WithTags("Certificates")
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Check a certificate by its number: valid only if its stored data still matches its signature.");
        app.MapPost("/api/v1/certificates/verify", VerifyHeld)
            .AllowAnonymous()
            .WithTags("Certificates")
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Check a certificate's canonical data and signature, as printed or exported.");
        app.MapGet("/.well-known/lastcall/certificate-keys", (CertificateSigner signer) => TypedResults.Ok(new { keys = signer.PublicKeys() }))
            .AllowAnonymous()
            .WithTags("Certificates")
            .AnswersWithoutDatabase()
            .WithSummary("The public keys (PEM and JWK, ES256) that sign certificates.");
    }

    private static async Task<Outcome<Ok<Verification>>> VerifyAsync(string number, AppDbContext db, CertificateSigner signer, CancellationToken ct)
    {
        if (!CertificateNumbers.TryNormalize(number, out var normalized))
            return Fail.NotFound("certificate_not_found", "No certificate has this number.");
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Number == normalized, ct);
        if (certificate is null)
            return Fail.NotFound("certificate_not_found", "No certificate has this number.");
        var data = CertificateData.FromCanonicalText(certificate.CanonicalData);
        var valid = data is not null && data.CertificateNumber == certificate.Number && signer.Verify(data, certificate.Signature, certificate.KeyId);
        return TypedResults.Ok(new Verification(valid, certificate.Number, valid ? data!.MsisdnMasked : null, valid ? data!.CancelledOn : null,
            valid ? data!.ChannelCode : null, certificate.Signature, certificate.KeyId));
    }

    private static Ok<Verification> VerifyHeld(HeldCertificate held, CertificateSigner signer)
    {
        var data = held.CanonicalData is null ? null : CertificateData.FromCanonicalText(held.CanonicalData);
        var valid = data is not null && data.CanonicalText() == held.CanonicalData && signer.Verify(data, held.Signature, held.KeyId);
        return TypedResults.Ok(new Verification(valid, data?.CertificateNumber, valid ? data!.MsisdnMasked : null, valid ? data!.CancelledOn : null,
            valid ? data!.ChannelCode : null, held.Signature, held.KeyId));
    }
}
