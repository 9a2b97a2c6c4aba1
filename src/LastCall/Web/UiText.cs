using System.Globalization;
using System.Resources;

namespace LastCall.Web;

/// <summary>
/// The web UI's texts, one resource file pair per area under Resources/Web (e.g. Portal.resx and
/// Portal.zh-CN.resx), read in the request's UI culture. A missing key shows as <c>[[key]]</c> so tests
/// and screenshots catch it.
/// </summary>
public sealed class UiText(string area)
{
    private readonly ResourceManager _resources = new("LastCall.Resources.Web." + area, typeof(UiText).Assembly);

    /// <summary>Layout, navigation, errors and other texts every area uses.</summary>
    public static readonly UiText Shared = new("Shared");

    /// <summary>The customer portal.</summary>
    public static readonly UiText Portal = new("Portal");

    public string this[string key] => _resources.GetString(key, CultureInfo.CurrentUICulture) ?? "[[" + key + "]]";

    /// <summary>The text with <c>{0}</c>, <c>{1}</c>… filled in (formatted in the UI culture).</summary>
    public string Format(string key, params object?[] values) => string.Format(CultureInfo.CurrentUICulture, this[key], values);

    /// <summary>The text for a key when there is one (e.g. <c>error_</c> + a problem code), otherwise null.</summary>
    public string? Find(string key) => _resources.GetString(key, CultureInfo.CurrentUICulture);
}
