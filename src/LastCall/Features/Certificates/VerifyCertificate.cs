using LastCall.Data;
using LastCall.Domain.Common;
using LastCall.Web;
using Microsoft.EntityFrameworkCore;

namespace LastCall.Features.Certificates;

/// <summary>
/// GET /api/v1/certificates/{number} (anyone, the QR code's target): valid only while the stored data still matches its
/// signature; the masked number, the day and the channel only when valid.
/// </summary>
public sealed class VerifyCertificate(AppDbContext db, CertificateSigner signer)
{
    public async Task<Result<CertificateEndpoints.Verification>> HandleAsync(string number, CancellationToken ct)
    {
        if (!CertificateNumbers.TryNormalize(number, out var normalized))
            return Fail.NotFound("certificate_not_found", "No certificate has this number.");
        var certificate = await db.Certificates.AsNoTracking().FirstOrDefaultAsync(c => c.Number == normalized, ct);
        if (certificate is null)
            return Fail.NotFound("certificate_not_found", "No certificate has this number.");
        var data = CertificateData.FromCanonicalText(certificate.CanonicalData);
        var valid = data is not null && data.CertificateNumber == certificate.Number && signer.Verify(data, certificate.Signature, certificate.KeyId);
        return new CertificateEndpoints.Verification(valid, certificate.Number, valid ? data!.MsisdnMasked : null, valid ? data!.CancelledOn : null,
            valid ? data!.ChannelCode : null, certificate.Signature, certificate.KeyId);
    }
}
