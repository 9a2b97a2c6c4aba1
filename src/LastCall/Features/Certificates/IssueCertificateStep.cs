using LastCall.Domain.Cancellations;
using LastCall.Features.Execution;
using LastCall.Hosting;

namespace LastCall.Features.Certificates;

/// <summary>
/// The last step: signs the cancellation certificate over its canonical data and keeps it with the
/// request. The certificate is saved together with the step's success, so a crash never leaves two.
/// </summary>
public sealed class IssueCertificateStep(CertificateSigner signer, PolicySettings policies) : IExecutionStep
{
    public StepName Name => StepName.IssueCertificate;

    public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
    {
        var db = context.Db;
        var request = context.Request;
        if (context.Batch.CertificateIssuedFor(request.Id) is { } existing)
        {
            request.RecordCertificate(existing);
            return StepResult.Success($"{{\"certificateNumber\":\"{existing}\"}}");
        }
        var owner = await db.Customers.FindAsync([request.CustomerId], ct) ?? throw new InvalidOperationException($"Request {request.Id} has no customer.");
        // Found in the context: the disconnect step of this run quarantined it, and a run saves its steps together at its end.
        var number = await db.PoolNumbers.FindAsync([request.Msisdn], ct);
        var certificateNumber = CertificateNumbers.New(context.Today.Year);
        var data = new CertificateData(
            certificateNumber,
            request.Msisdn.Masked(),
            owner.IdNumberMasked,
            owner.Name,
            request.Channel,
            request.StoreId,
            policies.Today(request.SubmittedAt),
            context.Today,
            number?.QuarantinedUntil ?? context.Today,
            context.Now,
            request.Id,
            VerifyUrl(policies, certificateNumber));
        var signature = signer.Sign(data);
        db.Certificates.Add(Certificate.Issue(certificateNumber, request.Id, data.CanonicalText(), signature.Value, signature.KeyId, data.IssuedAt));
        request.RecordCertificate(certificateNumber);
        context.Audit.Record("certificate.issued", request.Msisdn.Masked(), after: new { request.Id, certificateNumber, signature.KeyId });
        return StepResult.Success($"{{\"certificateNumber\":\"{certificateNumber}\"}}");
    }

    public static string VerifyUrl(PolicySettings policies, string certificateNumber) =>
        $"{policies.PortalUrl.TrimEnd('/')}/api/v1/certificates/{certificateNumber}";
}
