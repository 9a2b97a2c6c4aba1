using LastCall.Domain.Cancellations;
using LastCall.Features.Certificates;

namespace LastCall.Tests.Features.Certificates;

internal static class CertificateSamples
{
    public static CertificateData StoreCertificate() => new(
        CertificateNumber: "LC-2026-7KQ2-M9XD-4HFP-TZ3A",
        MsisdnMasked: "+86138****0001",
        IdNumberMasked: "1101**********1234",
        OwnerName: "张伟",
        Channel: CancellationChannel.Store,
        StoreId: "BJ-HD-017",
        SubmittedOn: new DateOnly(2026, 3, 1),
        CancelledOn: new DateOnly(2026, 3, 2),
        QuarantineEndsOn: new DateOnly(2026, 5, 31),
        IssuedAt: new DateTimeOffset(2026, 3, 2, 10, 15, 30, TimeSpan.Zero),
        CancellationRequestId: Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        VerifyUrl: "https://lastcall.example.cn/verify/LC-2026-7KQ2-M9XD-4HFP-TZ3A");
}
