using System.Globalization;
using System.Resources;
using LastCall.Domain.Messaging;

namespace LastCall.Integrations.Messaging;

/// <summary>
/// Renders messages from Resources/Messages.resx (English) and Messages.zh-CN.resx (Chinese) in the
/// recipient's language.
/// </summary>
public static class MessageTexts
{
    private static readonly ResourceManager Resources = new("LastCall.Resources.Messages", typeof(MessageTexts).Assembly);

    public static OutgoingMessage Sms(string template, string to, string language, params object[] arguments) =>
        new(MessageChannel.Sms, to, null, Render(template, language, arguments), template, language);

    public static OutgoingMessage Email(string template, string to, string language, params object[] arguments) =>
        new(MessageChannel.Email, to, Render(template + "_subject", language, arguments), Render(template, language, arguments), template, language);

    public static string Render(string key, string language, params object[] arguments)
    {
        var culture = CultureInfo.GetCultureInfo(language);
        var format = Resources.GetString(key, culture) ?? throw new InvalidOperationException($"No message text '{key}'.");
        return string.Format(culture, format, arguments);
    }
}
