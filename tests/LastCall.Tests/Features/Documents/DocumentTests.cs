using System.Net;
using LastCall.Data;
using LastCall.Domain.Audit;
using LastCall.Tests.Features.Cancellations;
using LastCall.TestSupport;
using Microsoft.EntityFrameworkCore;
using static LastCall.Tests.Features.Cancellations.CancellationApi;

namespace LastCall.Tests.Features.Documents;

/// <summary>
/// POST and GET /api/v1/documents over HTTP: recognised by content and size, never by name or declared
/// type; nothing left behind when refused; only the owner and back-office staff read them back.
/// </summary>
[Collection(CancellationCollection.Name)]
public sealed class DocumentTests(CancellationHosts hosts)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The start of a Windows executable (DOS header "MZ"), padded to look like a real file.</summary>
    private static readonly byte[] Executable = [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, .. new byte[4096]];

    private static async Task<(int Files, int Rows)> StoredAsync(CancellationHost host)
    {
        var folder = Path.Combine(host.Database.DataFolder, "documents");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder).Length : 0;
        await using var db = host.Database.CreateContext();
        return (files, await db.IdentityDocuments.CountAsync(Ct));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Upload_RenamedExecutable_Is415UnsupportedDocument_AndLeavesNothing(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var customer = await host.CustomerAsync(host.Scenario.CustomerA);
        var before = await StoredAsync(host);

        var refused = await UploadRawAsync(customer, Executable, "id.png", "image/png");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, refused.Status);
        Assert.Equal("unsupported_document", refused.Code);
        Assert.Equal(before, await StoredAsync(host));
        Assert.Empty(Directory.GetFiles(Path.Combine(host.Database.DataFolder, "documents"), "*.part"));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Upload_OverTenMegabytes_Is413_AndLeavesNothing(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var customer = await host.CustomerAsync(host.Scenario.CustomerA);
        var before = await StoredAsync(host);
        var tooLarge = new byte[10 * 1024 * 1024 + 1];
        TestDocuments.Png.CopyTo(tooLarge, 0);

        var refused = await UploadRawAsync(customer, tooLarge, "id.png", "image/png");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, refused.Status);
        Assert.Equal("document_too_large", refused.Code);
        Assert.Equal(before, await StoredAsync(host));
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Upload_EmptyFile_Is400EmptyDocument(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var customer = await host.CustomerAsync(host.Scenario.CustomerA);
        var before = await StoredAsync(host);

        var refused = await UploadRawAsync(customer, [], "id.png", "image/png");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal("empty_document", refused.Code);
        Assert.Equal(before, await StoredAsync(host));
    }

    [Theory]
    [InlineData("jpeg", "image/jpeg")]
    [InlineData("pdf", "application/pdf")]
    [InlineData("png", "image/png")]
    public async Task Upload_AcceptedKind_OwnerDownloadsTheSameBytesAndType(string kind, string contentType)
    {
        var host = await hosts.SqliteAsync();
        var customer = await host.CustomerAsync(host.Scenario.CustomerA);
        var bytes = kind switch { "jpeg" => Jpeg, "pdf" => Pdf, _ => TestDocuments.Png };

        // Named and declared as something else on purpose: the content decides.
        var uploaded = await UploadRawAsync(customer, bytes, "scan.bin", "application/octet-stream");

        Assert.Equal(HttpStatusCode.Created, uploaded.Status);
        Assert.Equal(contentType, uploaded.Text("contentType"));
        Assert.Equal(bytes.Length, uploaded.Body.GetProperty("length").GetInt64());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), uploaded.Text("sha256"));
        using var download = await customer.GetAsync($"/api/v1/documents/{uploaded.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(contentType, download.Content.Headers.ContentType?.MediaType);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Download_ByAnotherCustomerOrAnAgent_Is404(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        var id = await TestDocuments.UploadAsync(await host.CustomerAsync(line), TestDocuments.Png);
        using var agent = await host.NewAgentAsync();
        // Even an agent who verified this caller never sees identity documents.
        await host.Scenario.VerifyCallerAsync(agent, line);

        var stranger = await GetAsync(await host.CustomerAsync(host.Scenario.CustomerB), $"/api/v1/documents/{id}");
        var byAgent = await GetAsync(agent, $"/api/v1/documents/{id}");

        Assert.Equal(HttpStatusCode.NotFound, stranger.Status);
        Assert.Equal("document_not_found", stranger.Code);
        Assert.Equal(HttpStatusCode.NotFound, byAgent.Status);
        Assert.Equal("document_not_found", byAgent.Code);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Download_ByReviewer_Is200AndAudited(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        var owner = await host.CustomerAsync(line);
        var id = await TestDocuments.UploadAsync(owner, TestDocuments.Png);
        var reviewer = await host.StaffAsync("reviewer");

        using var download = await reviewer.GetAsync($"/api/v1/documents/{id}", Ct);
        using var ownDownload = await owner.GetAsync($"/api/v1/documents/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(TestDocuments.Png, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, ownDownload.StatusCode);
        await using var db = host.Database.CreateContext();
        var viewed = await db.AuditEvents.AsNoTracking().Where(e => e.Action == "document.viewed" && e.Subject == id.ToString()).ToListAsync(Ct);
        var entry = Assert.Single(viewed);
        Assert.Equal(ActorType.Staff, entry.ActorType);
        Assert.Equal("reviewer", entry.ActorName);
    }

    [Theory]
    [MemberData(nameof(Providers.All), MemberType = typeof(Providers))]
    public async Task Upload_ByClerkForALine_BelongsToItsOwner(DatabaseProvider provider)
    {
        var host = await hosts.ForAsync(provider);
        var line = await host.AddLineAsync();
        var clerk = await host.StaffAsync("clerk");

        var uploaded = await UploadRawAsync(clerk, Jpeg, "id.jpg", "image/jpeg", line.Msisdn);

        Assert.Equal(HttpStatusCode.Created, uploaded.Status);
        using var ownerDownload = await (await host.CustomerAsync(line)).GetAsync($"/api/v1/documents/{uploaded.Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, ownerDownload.StatusCode);
        Assert.Equal(Jpeg, await ownerDownload.Content.ReadAsByteArrayAsync(Ct));
        var stranger = await GetAsync(await host.CustomerAsync(host.Scenario.CustomerB), $"/api/v1/documents/{uploaded.Id}");
        Assert.Equal(HttpStatusCode.NotFound, stranger.Status);
    }
}
