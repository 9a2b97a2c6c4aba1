using LastCall.Domain.Common;
using LastCall.Web;
using LastCall.Web.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LastCall.Features.Certificates;

/// <summary>
/// The certificate as a PDF for its owner and staff (<see cref="GetCertificatePdf"/>), the public verification by number (the QR code's
/// target, <see cref="VerifyCertificate"/>), verification of a certificate someone holds (<see cref="VerifyHeldCertificate"/>),
/// and the public keys for offline checks: the routes and their shapes.
/// </summary>
public static class CertificateEndpoints
{
    public sealed record Verification(bool Valid, string? CertificateNumber, string? MsisdnMasked, DateOnly? CancelledOn, string? Channel, string? Signature, string? PublicKeyId);

    public sealed record HeldCertificate(string? CanonicalData, string? Signature, string? KeyId);

    public static void Map(IEndpointRouteBuilder app)
    {
        GetCertificatePdf.Map(app);
        app.MapGet("/api/v1/certificates/{number}", async (string number, VerifyCertificate verify, CancellationToken ct) => (await verify.HandleAsync(number, ct)).ToOk())
            .AllowAnonymous()
            .WithTags("Certificates")
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Check a certificate by its number: valid only if its stored data still matches its signature.");
        app.MapPost("/api/v1/certificates/verify", (HeldCertificate held, VerifyHeldCertificate verify) => TypedResults.Ok(verify.Handle(held)))
            .AllowAnonymous()
            .WithTags("Certificates")
            .Fails(ErrorKind.Validation, ErrorKind.NotFound)
            .WithSummary("Check a certificate's canonical data and signature, as printed or exported.");
        app.MapGet("/.well-known/lastcall/certificate-keys", (CertificateSigner signer) => TypedResults.Ok(new CertificateKeys(signer.PublicKeys())))
            .AllowAnonymous()
            .WithTags("Certificates")
            .AnswersWithoutDatabase()
            .WithSummary("The public keys (PEM and JWK, ES256) that sign certificates.");
    }
}

/// <summary>The public keys that sign certificates; a verifier picks the one a certificate names by its key id.</summary>
public sealed record CertificateKeys(IReadOnlyList<CertificatePublicKey> Keys);
