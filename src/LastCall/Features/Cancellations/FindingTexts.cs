using System.Globalization;
using System.Resources;
using LastCall.Domain.Cancellations;

namespace LastCall.Features.Cancellations;

/// <summary>
/// Blocker and warning texts from Resources/Findings(.zh-CN).resx, with the finding's facts filled
/// into their <c>{name}</c> placeholders, in the caller's language.
/// </summary>
public static class FindingTexts
{
    private static readonly ResourceManager Resources = new("LastCall.Resources.Findings", typeof(FindingTexts).Assembly);

    public sealed record Blocker(string Code, string Message, string Fix, IReadOnlyDictionary<string, string> Facts);

    public sealed record Warning(string Code, string Message, IReadOnlyDictionary<string, string> Facts);

    public static Blocker ForBlocker(Finding finding, CultureInfo culture, string payUrl)
    {
        var facts = new Dictionary<string, string>(finding.Facts) { ["payUrl"] = payUrl };
        var fixKey = finding.Code == EligibilityCodes.ContractCommitment
            ? facts.GetValueOrDefault("earlyExitAllowed") == "true" ? "fix_contract_commitment_fee" : "fix_contract_commitment_wait"
            : "fix_" + finding.Code;
        return new Blocker(finding.Code, Render("blocker_" + finding.Code, culture, facts), Render(fixKey, culture, facts), finding.Facts);
    }

    public static Warning ForWarning(Finding finding, CultureInfo culture) =>
        new(finding.Code, Render("warning_" + finding.Code, culture, finding.Facts), finding.Facts);

    private static string Render(string key, CultureInfo culture, IReadOnlyDictionary<string, string> facts)
    {
        var text = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"No text '{key}'.");
        foreach (var (name, value) in facts)
            text = text.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return text;
    }
}
