namespace LastCall.Web;

/// <summary>How people type things into the portal, brought to the API's form before the handlers see them.</summary>
public static class PortalInput
{
    /// <summary>Spaces and dashes dropped; an 11-digit mainland number gets +86 (the handlers validate the rest).</summary>
    public static string? Msisdn(string? text)
    {
        if (text is null)
            return null;
        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c) && c != '-'));
        return compact.Length == 11 && compact[0] == '1' && compact.All(char.IsAsciiDigit) ? "+86" + compact : compact;
    }
}
