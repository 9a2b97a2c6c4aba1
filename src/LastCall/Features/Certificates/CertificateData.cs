using System.Globalization;
using System.Text;
using LastCall.Domain.Cancellations;

namespace LastCall.Features.Certificates;

/// <summary>
/// What a cancellation certificate states (DESIGN.md, Certificate). Only masked numbers go on it.
/// <see cref="CanonicalBytes"/> is what the signature covers; docs/certificates.md describes the
/// format so that anyone can rebuild it and check the signature offline.
/// </summary>
/// <param name="CertificateNumber">See <see cref="CertificateNumbers"/>, e.g. <c>LC-2026-7KQ2-M9XD-4HFP-TZ3A</c>.</param>
/// <param name="MsisdnMasked">e.g. <c>+86138****0001</c> (<c>Msisdn.Masked()</c>).</param>
/// <param name="IdNumberMasked">e.g. <c>1101**********1234</c> (<c>IdDocument.Masked()</c>).</param>
/// <param name="OwnerName">The owner's name as registered, e.g. 张伟.</param>
/// <param name="Channel">Where the request was made.</param>
/// <param name="StoreId">The store for in-person requests; null otherwise.</param>
/// <param name="SubmittedOn">The day the request was submitted (China time).</param>
/// <param name="CancelledOn">The day the line was cancelled.</param>
/// <param name="QuarantineEndsOn">The last day the number stays in quarantine before it can be reissued.</param>
/// <param name="IssuedAt">When the certificate was issued; kept in UTC to whole seconds (so a database round trip keeps it exact).</param>
/// <param name="CancellationRequestId">The cancellation request the certificate belongs to.</param>
/// <param name="VerifyUrl">The public page that checks the certificate; the QR code points at it.</param>
public sealed record CertificateData(
    string CertificateNumber,
    string MsisdnMasked,
    string IdNumberMasked,
    string OwnerName,
    CancellationChannel Channel,
    string? StoreId,
    DateOnly SubmittedOn,
    DateOnly CancelledOn,
    DateOnly QuarantineEndsOn,
    DateTimeOffset IssuedAt,
    Guid CancellationRequestId,
    string VerifyUrl)
{
    /// <summary>The first line of the canonical form; a new layout gets a new version.</summary>
    public const string FormatVersion = "lastcall-certificate/v1";

    private readonly DateTimeOffset _issuedAt = ToUtcSeconds(IssuedAt);

    public DateTimeOffset IssuedAt
    {
        get => _issuedAt;
        init => _issuedAt = ToUtcSeconds(value);
    }

    /// <summary>The channel as written in the canonical form and the API: online, call_centre, store or bss.</summary>
    public string ChannelCode => ChannelToCode(Channel);

    /// <summary>
    /// The bytes the signature covers: UTF-8 of <see cref="CanonicalText"/>. The same data always gives
    /// the same bytes, and a change to any field changes them.
    /// </summary>
    public byte[] CanonicalBytes() => Encoding.UTF8.GetBytes(CanonicalText());

    /// <summary>
    /// The version line, then one <c>key=value</c> line per field in a fixed order, each ending in
    /// <c>\n</c>. Dates are <c>yyyy-MM-dd</c>, the instant <c>yyyy-MM-ddTHH:mm:ssZ</c>, the request id
    /// lower-case with hyphens, text in Unicode NFC; a missing store id is an empty value. Values may not
    /// contain control characters, so no value can pose as another line.
    /// </summary>
    public string CanonicalText()
    {
        var text = new StringBuilder(512);
        text.Append(FormatVersion).Append('\n');
        Line(text, "certificateNumber", CertificateNumber);
        Line(text, "msisdnMasked", MsisdnMasked);
        Line(text, "idNumberMasked", IdNumberMasked);
        Line(text, "ownerName", OwnerName);
        Line(text, "channel", ChannelCode);
        Line(text, "storeId", StoreId ?? "");
        Line(text, "submittedOn", Day(SubmittedOn));
        Line(text, "cancelledOn", Day(CancelledOn));
        Line(text, "quarantineEndsOn", Day(QuarantineEndsOn));
        Line(text, "issuedAt", IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        Line(text, "cancellationRequestId", CancellationRequestId.ToString("D"));
        Line(text, "verifyUrl", VerifyUrl);
        return text.ToString();
    }

    /// <summary>Reads back a <see cref="CanonicalText"/> (as stored with the certificate); null if it is not one.</summary>
    public static CertificateData? FromCanonicalText(string text)
    {
        var lines = text.Split('\n');
        if (lines.Length < 2 || lines[0] != FormatVersion)
            return null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            var at = line.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
                return null;
            fields[line[..at]] = line[(at + 1)..];
        }
        try
        {
            var channel = fields["channel"] switch
            {
                "online" => CancellationChannel.Online,
                "call_centre" => CancellationChannel.CallCentre,
                "store" => CancellationChannel.Store,
                "bss" => CancellationChannel.Bss,
                _ => throw new FormatException("Unknown channel."),
            };
            return new CertificateData(
                fields["certificateNumber"], fields["msisdnMasked"], fields["idNumberMasked"], fields["ownerName"], channel,
                fields["storeId"] is { Length: > 0 } store ? store : null,
                DateOnly.ParseExact(fields["submittedOn"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateOnly.ParseExact(fields["cancelledOn"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateOnly.ParseExact(fields["quarantineEndsOn"], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                DateTimeOffset.ParseExact(fields["issuedAt"], "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                Guid.ParseExact(fields["cancellationRequestId"], "D"),
                fields["verifyUrl"]);
        }
        catch (Exception e) when (e is KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    public static string ChannelToCode(CancellationChannel channel) => channel switch
    {
        CancellationChannel.Online => "online",
        CancellationChannel.CallCentre => "call_centre",
        CancellationChannel.Store => "store",
        CancellationChannel.Bss => "bss",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Unknown channel."),
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static void Line(StringBuilder text, string key, string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
                throw new InvalidOperationException($"The certificate field {key} contains a control character.");
        }
        text.Append(key).Append('=').Append(value.Normalize(NormalizationForm.FormC)).Append('\n');
    }

    private static DateTimeOffset ToUtcSeconds(DateTimeOffset instant)
    {
        var utc = instant.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - utc.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }
}
