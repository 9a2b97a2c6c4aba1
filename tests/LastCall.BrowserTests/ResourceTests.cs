using System.Xml.Linq;
using LastCall.TestSupport;

namespace LastCall.BrowserTests;

/// <summary>Every UI text exists in both languages (Resources/Web/*.resx and *.zh-CN.resx hold the same keys, none empty).</summary>
public sealed class ResourceTests
{
    [Fact]
    public void Every_web_text_is_in_English_and_Chinese()
    {
        var folder = Path.Combine(Repository.Root(), "src", "LastCall", "Resources", "Web");
        var english = Directory.GetFiles(folder, "*.resx").Where(f => !f.EndsWith(".zh-CN.resx", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(english);
        foreach (var file in english)
        {
            var chinese = file[..^".resx".Length] + ".zh-CN.resx";
            Assert.True(File.Exists(chinese), $"{Path.GetFileName(chinese)} is missing");
            var en = Texts(file);
            var zh = Texts(chinese);
            Assert.Equal(en.Keys.Order(StringComparer.Ordinal), zh.Keys.Order(StringComparer.Ordinal));
            Assert.DoesNotContain(en, t => string.IsNullOrWhiteSpace(t.Value));
            Assert.DoesNotContain(zh, t => string.IsNullOrWhiteSpace(t.Value));
        }
    }

    private static Dictionary<string, string> Texts(string file) =>
        XDocument.Load(file).Root!.Elements("data").ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");
}
