namespace LastCall.Features.Certificates;

/// <summary>
/// POST /api/v1/certificates/verify (anyone): a certificate's canonical data and signature as printed or exported are checked
/// against our keys (retired ones included), without our database.
/// </summary>
public sealed class VerifyHeldCertificate(CertificateSigner signer)
{
    public CertificateEndpoints.Verification Handle(CertificateEndpoints.HeldCertificate held)
    {
        var data = held.CanonicalData is null ? null : CertificateData.FromCanonicalText(held.CanonicalData);
        var valid = data is not null && data.CanonicalText() == held.CanonicalData && signer.Verify(data, held.Signature, held.KeyId);
        return new CertificateEndpoints.Verification(valid, data?.CertificateNumber, valid ? data!.MsisdnMasked : null, valid ? data!.CancelledOn : null,
            valid ? data!.ChannelCode : null, held.Signature, held.KeyId);
    }
}
