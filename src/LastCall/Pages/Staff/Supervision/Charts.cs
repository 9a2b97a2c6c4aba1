using System.Globalization;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace LastCall.Pages.Staff.Supervision;

/// <summary>
/// Geometry for the dashboard's server-rendered SVG charts: rectangles, points and labels in a fixed
/// view box (the SVG scales with CSS). Colours come from CSS classes, never from style attributes.
/// </summary>
public static class Charts
{
    public const int Width = 640;
    public const int Height = 240;
    public const int Left = 52;
    public const int Right = 8;
    public const int Top = 12;
    public const int Bottom = 28;

    public sealed record Bar(string Class, double X, double Y, double W, double H, string Title);

    public sealed record Label(double X, double Y, string Text, string Anchor = "middle");

    public sealed record Chart(IReadOnlyList<Bar> Bars, IReadOnlyList<Label> XLabels, IReadOnlyList<(double Y, string Text)> YTicks, string? Polyline = null, IReadOnlyList<(double X, double Y, string Title)>? Points = null, double? TargetY = null);

    private static readonly int[] Percentages = [0, 25, 50, 75, 100];

    /// <summary>An SVG <c>text</c> element (Razor reserves the tag name), its content HTML-encoded.</summary>
    public static IHtmlContent Text(double x, double y, string text, string anchor = "middle") =>
        new HtmlString($"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{HtmlEncoder.Default.Encode(anchor)}\">{HtmlEncoder.Default.Encode(text)}</text>");

    public static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>One stacked bar per day; series in order, bottom up.</summary>
    public static Chart StackedBars(IReadOnlyList<(DateOnly Day, IReadOnlyList<(string Series, string Name, int Count)> Parts)> days)
    {
        var max = Math.Max(1, days.Select(d => d.Parts.Sum(p => p.Count)).DefaultIfEmpty(0).Max());
        var scaleMax = NiceMax(max);
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = plotW / (double)Math.Max(1, days.Count);
        var barW = slot * 0.7;
        var bars = new List<Bar>();
        var labels = new List<Label>();
        for (var i = 0; i < days.Count; i++)
        {
            var x = Left + i * slot + (slot - barW) / 2;
            var y = (double)(Top + plotH);
            foreach (var (series, name, count) in days[i].Parts)
            {
                if (count == 0)
                    continue;
                var h = plotH * count / (double)scaleMax;
                y -= h;
                bars.Add(new Bar("s-" + series, x, y, barW, h, $"{days[i].Day:MM-dd} {name}: {count}"));
            }
            if (days.Count <= 16 && (i % 2 == 0 || i == days.Count - 1))
                labels.Add(new Label(x + barW / 2, Height - 10, days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture)));
        }
        return new Chart(bars, labels, Ticks(scaleMax, plotH, v => v.ToString(CultureInfo.InvariantCulture)));
    }

    /// <summary>A line of shares (0–1) per day; days without decisions leave a gap in the points.</summary>
    public static Chart ShareLine(IReadOnlyList<(DateOnly Day, double? Share, string Title)> days, double target)
    {
        var plotW = Width - Left - Right;
        var plotH = Height - Top - Bottom;
        var slot = plotW / (double)Math.Max(1, days.Count);
        var points = new List<(double, double, string)>();
        var labels = new List<Label>();
        for (var i = 0; i < days.Count; i++)
        {
            var x = Left + i * slot + slot / 2;
            if (days[i].Share is { } share)
                points.Add((x, Top + plotH * (1 - share), days[i].Title));
            if (i % 2 == 0 || i == days.Count - 1)
                labels.Add(new Label(x, Height - 10, days[i].Day.ToString("MM-dd", CultureInfo.InvariantCulture)));
        }
        var polyline = string.Join(' ', points.Select(p => N(p.Item1) + "," + N(p.Item2)));
        var ticks = Percentages.Select(v => (Top + plotH * (1 - v / 100.0), v + "%")).ToList();
        return new Chart([], labels, ticks, polyline, points, Top + plotH * (1 - target));
    }

    /// <summary>Horizontal bars, one per item, longest first (the view box grows with the items).</summary>
    public static (Chart Chart, int Height) HorizontalBars(IReadOnlyList<(string Label, int Count)> items, int labelWidth)
    {
        const int row = 26;
        var height = Top + Math.Max(1, items.Count) * row + 8;
        var max = Math.Max(1, items.Select(i => i.Count).DefaultIfEmpty(0).Max());
        var plotW = Width - labelWidth - Right - 40;
        var bars = new List<Bar>();
        var labels = new List<Label>();
        for (var i = 0; i < items.Count; i++)
        {
            var y = Top + i * row;
            var w = plotW * items[i].Count / (double)max;
            bars.Add(new Bar("bar-blocker", labelWidth, y + 4, w, row - 8, $"{items[i].Label}: {items[i].Count}"));
            labels.Add(new Label(labelWidth - 6, y + row / 2.0 + 4, items[i].Label, "end"));
            labels.Add(new Label(labelWidth + w + 4, y + row / 2.0 + 4, items[i].Count.ToString(CultureInfo.InvariantCulture), "start"));
        }
        return (new Chart(bars, labels, []), height);
    }

    private static List<(double, string)> Ticks(int scaleMax, int plotH, Func<int, string> text)
    {
        var step = Math.Max(1, scaleMax / 4);
        var ticks = new List<(double, string)>();
        for (var v = 0; v <= scaleMax; v += step)
            ticks.Add((Top + plotH * (1 - v / (double)scaleMax), text(v)));
        return ticks;
    }

    private static int NiceMax(int max)
    {
        foreach (var candidate in new[] { 4, 8, 12, 20, 40, 60, 80, 100, 200, 400, 600, 800, 1000 })
        {
            if (max <= candidate)
                return candidate;
        }
        var magnitude = (int)Math.Pow(10, Math.Floor(Math.Log10(max)));
        return (max / magnitude + 1) * magnitude;
    }
}
