using System.Globalization;
using System.Net;
using System.Text.Json;
using LastCall.Data;
using LastCall.Hosting;
using LastCall.TestSupport;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>
/// GET /api/v1/review-queue over HTTP: oldest first, the review due date in working days on the
/// holiday calendar (shipped or the operator's own file), overdue items flagged and counted.
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class ReviewQueueTests(CancellationHosts hosts)
{
    private const int SlaWorkingDays = 3;

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static DateOnly ShanghaiToday => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Shanghai).DateTime);

    private static DateOnly Date(JsonElement value) => DateOnly.Parse(value.GetString()!, CultureInfo.InvariantCulture);

    private static List<JsonElement> Items(ApiResponse queue) => [.. queue.Body.GetProperty("items").EnumerateArray()];

    /// <summary>Monday to Friday minus <paramref name="holidays"/>, counted by hand (no make-up working weekends).</summary>
    private static DateOnly AddWeekdays(DateOnly start, int days, HashSet<DateOnly> holidays)
    {
        var day = start;
        while (days > 0)
        {
            day = day.AddDays(1);
            if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !holidays.Contains(day))
                days--;
        }
        return day;
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReviewQueue_OldestFirst_EachDueInThreeWorkingDaysOnTheShippedCalendar(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var reviewer = await host.StaffAsync("reviewer");
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec(), new LineSpec());
        var before = ShanghaiToday;
        var ids = new List<Guid>();
        foreach (var line in lines)
            ids.Add(await SubmitOnlineAsync(host, line));
        var after = ShanghaiToday;

        var queue = await GetAsync(reviewer, "/api/v1/review-queue");

        Assert.Equal(HttpStatusCode.OK, queue.Status);
        var items = Items(queue);
        var positions = ids.Select(id => items.FindIndex(i => i.GetProperty("id").GetGuid() == id)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
        var submittedAt = items.Select(i => i.GetProperty("submittedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(submittedAt.Order(), submittedAt);

        var shipped = HolidayCalendarFile.Load(null).Calendar;
        var expected = new[] { shipped.AddWorkingDays(before, SlaWorkingDays), shipped.AddWorkingDays(after, SlaWorkingDays) };
        foreach (var position in positions)
        {
            var item = items[position];
            Assert.Contains(Date(item.GetProperty("reviewDueBy")), expected);
            Assert.False(item.GetProperty("overdue").GetBoolean());
            Assert.Equal(["online"], Strings(item.GetProperty("reviewReasons")));
            Assert.Single(item.GetProperty("documentIds").EnumerateArray());
        }
        // Three working days are at least three calendar days away, and never on a weekend unless the calendar says so.
        Assert.True(Date(items[positions[0]].GetProperty("reviewDueBy")) >= before.AddDays(SlaWorkingDays));
    }

    [Fact]
    public async Task ReviewQueue_CustomCalendarWithTheNextFiveDaysOff_PushesTheDueDateBack()
    {
        var today = ShanghaiToday;
        var holidays = Enumerable.Range(1, 5).Select(today.AddDays).ToHashSet();
        var file = Path.Combine(Path.GetTempPath(), $"lastcall-holidays-{Guid.NewGuid():N}.json");
        var years = holidays.GroupBy(d => d.Year).ToDictionary(
            g => g.Key.ToString(CultureInfo.InvariantCulture),
            g => new { status = "official", holidays = g.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray(), workingWeekendDays = Array.Empty<string>() });
        await File.WriteAllTextAsync(file, JsonSerializer.Serialize(new { calendar = "Test: the next five days off", years }), TestContext.Current.CancellationToken);
        try
        {
            await using var host = await CancellationHost.StartAsync(hosts.Postgres, DatabaseProvider.Sqlite, s => s["Policies:HolidayCalendarFile"] = file);
            var line = await host.AddLineAsync();

            var id = await SubmitOnlineAsync(host, line);
            var detail = await GetRequestAsync(await host.StaffAsync("reviewer"), id);

            var due = Date(detail.Body.GetProperty("reviewDueBy"));
            if (ShanghaiToday == today)
            {
                Assert.Equal(AddWeekdays(today, SlaWorkingDays, holidays), due);
                Assert.True(due > AddWeekdays(today, SlaWorkingDays, new HashSet<DateOnly>()));
                Assert.True(due > today.AddDays(5));
            }
            var queue = await GetAsync(await host.StaffAsync("reviewer"), "/api/v1/review-queue");
            Assert.Equal(due, Date(Items(queue).Single(i => i.GetProperty("id").GetGuid() == id).GetProperty("reviewDueBy")));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReviewQueue_DueDateInThePast_FlaggedOverdueAndCounted(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var reviewer = await host.StaffAsync("reviewer");
        var lines = await host.AddLinesAsync(new LineSpec(), new LineSpec());
        var late = await SubmitOnlineAsync(host, lines[0]);
        var onTime = await SubmitOnlineAsync(host, lines[1]);
        await host.Database.SetRequestAsync(late, s => s
            .SetProperty(r => r.SubmittedAt, DateTimeOffset.UtcNow.AddDays(-10))
            .SetProperty(r => r.ReviewDueBy, ShanghaiToday.AddDays(-2)));

        var queue = await GetAsync(reviewer, "/api/v1/review-queue");

        var items = Items(queue);
        var lateItem = items.Single(i => i.GetProperty("id").GetGuid() == late);
        var onTimeItem = items.Single(i => i.GetProperty("id").GetGuid() == onTime);
        Assert.True(lateItem.GetProperty("overdue").GetBoolean());
        Assert.False(onTimeItem.GetProperty("overdue").GetBoolean());
        Assert.True(items.IndexOf(lateItem) < items.IndexOf(onTimeItem));
        var overdue = queue.Body.GetProperty("overdue").GetInt32();
        Assert.True(overdue >= 1);
        Assert.Equal(items.Count(i => i.GetProperty("overdue").GetBoolean()), overdue);
        Assert.True((await GetRequestAsync(reviewer, late)).Body.GetProperty("overdue").GetBoolean());

        // Deciding the late request takes it out of the queue and out of the count.
        Assert.Equal(HttpStatusCode.OK, (await ApproveAsync(reviewer, late)).Status);
        var after = await GetAsync(reviewer, "/api/v1/review-queue");
        Assert.DoesNotContain(Items(after), i => i.GetProperty("id").GetGuid() == late);
        Assert.Equal(overdue - 1, after.Body.GetProperty("overdue").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task ReviewQueue_ForAnyoneButReviewers_Is403(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var askers = new List<HttpClient> { await host.CustomerAsync(host.Scenario.CustomerA) };
        foreach (var username in new[] { "clerk", "agent", "supervisor", "admin" })
            askers.Add(await host.StaffAsync(username));

        foreach (var asker in askers)
            Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync(asker, "/api/v1/review-queue")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(host.Scenario.Anonymous, "/api/v1/review-queue")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(await host.StaffAsync("reviewer"), "/api/v1/review-queue")).Status);
    }
}
