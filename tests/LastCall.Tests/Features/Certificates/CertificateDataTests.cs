using LastCall.Domain.Cancellations;
using LastCall.Features.Certificates;

namespace LastCall.Tests.Features.Certificates;

public sealed class CertificateDataTests
{
    /// <summary>One change per field; <see cref="Mutations_CoverEveryProperty_NoFieldIsLeftOut"/> keeps the list complete.</summary>
    private static readonly (string Field, Func<CertificateData, CertificateData> Change)[] Mutations =
    [
        (nameof(CertificateData.CertificateNumber), d => d with { CertificateNumber = "LC-2026-7KQ2-M9XD-4HFP-TZ3B" }),
        (nameof(CertificateData.MsisdnMasked), d => d with { MsisdnMasked = "+86138****0002" }),
        (nameof(CertificateData.IdNumberMasked), d => d with { IdNumberMasked = "1101**********1235" }),
        (nameof(CertificateData.OwnerName), d => d with { OwnerName = "张伟伟" }),
        (nameof(CertificateData.Channel), d => d with { Channel = CancellationChannel.CallCentre }),
        (nameof(CertificateData.StoreId), d => d with { StoreId = null }),
        (nameof(CertificateData.SubmittedOn), d => d with { SubmittedOn = d.SubmittedOn.AddDays(-1) }),
        (nameof(CertificateData.CancelledOn), d => d with { CancelledOn = d.CancelledOn.AddDays(1) }),
        (nameof(CertificateData.QuarantineEndsOn), d => d with { QuarantineEndsOn = d.QuarantineEndsOn.AddDays(1) }),
        (nameof(CertificateData.IssuedAt), d => d with { IssuedAt = d.IssuedAt.AddSeconds(1) }),
        (nameof(CertificateData.CancellationRequestId), d => d with { CancellationRequestId = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950f") }),
        (nameof(CertificateData.VerifyUrl), d => d with { VerifyUrl = d.VerifyUrl + "x" }),
    ];

    [Fact]
    public void CanonicalBytes_SameDataTwice_IdenticalBytes()
    {
        var first = CertificateSamples.StoreCertificate().CanonicalBytes();
        var second = CertificateSamples.StoreCertificate().CanonicalBytes();

        Assert.Equal(first, second);
    }

    [Fact]
    public void CanonicalText_SampleCertificate_IsTheDocumentedFormat()
    {
        var text = CertificateSamples.StoreCertificate().CanonicalText();

        Assert.Equal(
            "lastcall-certificate/v1\n" +
            "certificateNumber=LC-2026-7KQ2-M9XD-4HFP-TZ3A\n" +
            "msisdnMasked=+86138****0001\n" +
            "idNumberMasked=1101**********1234\n" +
            "ownerName=张伟\n" +
            "channel=store\n" +
            "storeId=BJ-HD-017\n" +
            "submittedOn=2026-03-01\n" +
            "cancelledOn=2026-03-02\n" +
            "quarantineEndsOn=2026-05-31\n" +
            "issuedAt=2026-03-02T10:15:30Z\n" +
            "cancellationRequestId=0f8fad5b-d9cb-469f-a165-70867728950e\n" +
            "verifyUrl=https://lastcall.example.cn/verify/LC-2026-7KQ2-M9XD-4HFP-TZ3A\n",
            text);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes(text), CertificateSamples.StoreCertificate().CanonicalBytes());
    }

    [Fact]
    public void CanonicalBytes_AnySingleFieldChanged_BytesDifferFromOriginalAndFromEachOther()
    {
        var original = CertificateSamples.StoreCertificate();
        var originalBytes = Convert.ToHexString(original.CanonicalBytes());
        var seen = new HashSet<string> { originalBytes };

        foreach (var (field, change) in Mutations)
        {
            var changed = change(original);
            Assert.NotEqual(original, changed);
            var bytes = Convert.ToHexString(changed.CanonicalBytes());
            Assert.True(bytes != originalBytes, $"Changing {field} did not change the canonical bytes.");
            Assert.True(seen.Add(bytes), $"Changing {field} gave the same bytes as another change.");
        }
    }

    [Fact]
    public void Mutations_CoverEveryProperty_NoFieldIsLeftOut()
    {
        var fields = typeof(CertificateData).GetProperties()
            .Where(p => p.CanWrite && p.Name != "EqualityContract")
            .Select(p => p.Name)
            .Order();

        Assert.Equal(fields, Mutations.Select(m => m.Field).Order());
    }

    [Theory]
    [InlineData(CancellationChannel.Online, "channel=online\n")]
    [InlineData(CancellationChannel.CallCentre, "channel=call_centre\n")]
    [InlineData(CancellationChannel.Store, "channel=store\n")]
    public void CanonicalText_EachChannel_WritesTheApiCode(CancellationChannel channel, string expectedLine)
    {
        var text = (CertificateSamples.StoreCertificate() with { Channel = channel }).CanonicalText();

        Assert.Contains(expectedLine, text, StringComparison.Ordinal);
    }

    [Fact]
    public void CanonicalText_NoStore_WritesEmptyStoreId()
    {
        var text = (CertificateSamples.StoreCertificate() with { Channel = CancellationChannel.Online, StoreId = null }).CanonicalText();

        Assert.Contains("\nstoreId=\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("张伟\nchannel=online")]
    [InlineData("张伟\r")]
    [InlineData("张\u0000伟")]
    public void CanonicalBytes_ValueWithControlCharacter_Throws(string ownerName)
    {
        var data = CertificateSamples.StoreCertificate() with { OwnerName = ownerName };

        var error = Assert.Throws<InvalidOperationException>(() => data.CanonicalBytes());
        Assert.Contains("ownerName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IssuedAt_LocalOffsetWithFractionOfSecond_KeptAsUtcWholeSecond()
    {
        var data = CertificateSamples.StoreCertificate() with
        {
            IssuedAt = new DateTimeOffset(2026, 3, 2, 18, 15, 30, 789, TimeSpan.FromHours(8)),
        };

        Assert.Equal(new DateTimeOffset(2026, 3, 2, 10, 15, 30, TimeSpan.Zero), data.IssuedAt);
        Assert.Equal(TimeSpan.Zero, data.IssuedAt.Offset);
        Assert.Contains("\nissuedAt=2026-03-02T10:15:30Z\n", data.CanonicalText(), StringComparison.Ordinal);
    }

    [Fact]
    public void IssuedAt_ThroughConstructor_KeptAsUtcWholeSecond()
    {
        var sample = CertificateSamples.StoreCertificate();
        var data = new CertificateData(sample.CertificateNumber, sample.MsisdnMasked, sample.IdNumberMasked, sample.OwnerName,
            sample.Channel, sample.StoreId, sample.SubmittedOn, sample.CancelledOn, sample.QuarantineEndsOn,
            new DateTimeOffset(2026, 3, 2, 18, 15, 30, 250, TimeSpan.FromHours(8)), sample.CancellationRequestId, sample.VerifyUrl);

        Assert.Equal(sample.IssuedAt, data.IssuedAt);
        Assert.Equal(sample.CanonicalBytes(), data.CanonicalBytes());
    }

    [Fact]
    public void CanonicalText_DecomposedName_WrittenInNfc()
    {
        var composed = CertificateSamples.StoreCertificate() with { OwnerName = "Zoë" };
        var decomposed = CertificateSamples.StoreCertificate() with { OwnerName = "Zoe\u0308" };

        Assert.Equal(composed.CanonicalBytes(), decomposed.CanonicalBytes());
    }
}
