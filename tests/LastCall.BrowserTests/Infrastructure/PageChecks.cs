using Microsoft.Playwright;

namespace LastCall.BrowserTests.Infrastructure;

/// <summary>Checks more than one browser test class makes on a page.</summary>
public static class PageChecks
{
    /// <summary>Nothing wider than the window (no sideways scrolling, at 360 px on a phone).</summary>
    public static async Task AssertFitsWidthAsync(IPage page)
    {
        var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        Assert.True(overflow <= 0, $"The page is {overflow} px wider than the window at {page.Url}.");
    }
}
