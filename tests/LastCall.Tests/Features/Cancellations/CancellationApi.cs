using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LastCall.TestSupport;

namespace LastCall.Tests.Features.Cancellations;

/// <summary>An HTTP answer: its status and its JSON body (<c>default</c> when it had none).</summary>
public sealed record ApiResponse(HttpStatusCode Status, JsonElement Body)
{
    /// <summary>The problem's machine-readable <c>code</c>, when the body is a problem.</summary>
    public string? Code => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string Text(string property) => Body.GetProperty(property).GetString()!;

    public Guid Id => Body.GetProperty("id").GetGuid();
}

/// <summary>Calls of the cancellation API used across the test classes, all over real HTTP.</summary>
public static class CancellationApi
{
    public static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    public static readonly byte[] Pdf = "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ApiResponse> SendAsync(HttpClient client, HttpMethod method, string url, object? body = null, string? language = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is not null)
            request.Content = JsonContent.Create(body);
        if (language is not null)
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        using var response = await client.SendAsync(request, Ct);
        return await ReadAsync(response);
    }

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new ApiResponse(response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<ApiResponse> GetAsync(HttpClient client, string url, string? language = null) => SendAsync(client, HttpMethod.Get, url, null, language);

    public static Task<ApiResponse> PostAsync(HttpClient client, string url, object? body = null) => SendAsync(client, HttpMethod.Post, url, body);

    public static Task<ApiResponse> PrecheckAsync(HttpClient client, string msisdn, string? language = null) =>
        GetAsync(client, $"/api/v1/lines/{Uri.EscapeDataString(msisdn)}/precheck", language);

    public static Task<ApiResponse> SubmitAsync(HttpClient client, object body) => PostAsync(client, "/api/v1/cancellations", body);

    public static Task<ApiResponse> GetRequestAsync(HttpClient client, Guid id) => GetAsync(client, $"/api/v1/cancellations/{id}");

    public static Task<ApiResponse> ApproveAsync(HttpClient reviewer, Guid id) => PostAsync(reviewer, $"/api/v1/cancellations/{id}/approve");

    public static Task<ApiResponse> RejectAsync(HttpClient reviewer, Guid id, string? reason) => PostAsync(reviewer, $"/api/v1/cancellations/{id}/reject", new { reason });

    public static Task<ApiResponse> WithdrawAsync(HttpClient client, Guid id) => PostAsync(client, $"/api/v1/cancellations/{id}/withdraw");

    /// <summary>Uploads <paramref name="bytes"/> as multipart field <c>file</c> and returns the raw answer.</summary>
    public static async Task<ApiResponse> UploadRawAsync(HttpClient client, byte[] bytes, string fileName, string contentType, string? msisdn = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        if (msisdn is not null)
            form.Add(new StringContent(msisdn), "msisdn");
        using var response = await client.PostAsync("/api/v1/documents", form, Ct);
        return await ReadAsync(response);
    }

    /// <summary>The owner uploads an ID photo and applies online; the request is under review.</summary>
    public static async Task<Guid> SubmitOnlineAsync(CancellationHost host, TestLine line, string effective = "immediate")
    {
        var customer = await host.CustomerAsync(line);
        var document = await TestDocuments.UploadAsync(customer, TestDocuments.Png);
        var submitted = await SubmitAsync(customer, new { msisdn = line.Msisdn, effective, documentIds = new[] { document } });
        Assert.Equal(HttpStatusCode.Created, submitted.Status);
        Assert.Equal("under_review", submitted.Text("status"));
        return submitted.Id;
    }

    /// <summary>A clerk checks the owner's ID card in the store and applies.</summary>
    public static async Task<ApiResponse> SubmitInStoreAsync(CancellationHost host, TestLine line, string effective = "immediate", string clerk = "clerk", string? idNumber = null) =>
        await SubmitAsync(await host.StaffAsync(clerk), new { msisdn = line.Msisdn, effective, identityCheck = new { method = "in_person_id", idNumber = idNumber ?? line.IdNumber } });

    /// <summary>The line's <c>status</c> as GET /api/v1/lines/{msisdn} shows it.</summary>
    public static async Task<string> LineStatusAsync(HttpClient client, string msisdn)
    {
        var line = await GetAsync(client, $"/api/v1/lines/{Uri.EscapeDataString(msisdn)}");
        Assert.Equal(HttpStatusCode.OK, line.Status);
        return line.Text("status");
    }

    /// <summary>Messages the development outbox holds for a number or an e-mail address, newest first.</summary>
    public static async Task<List<JsonElement>> MessagesAsync(Scenario scenario, string to)
    {
        var messages = await scenario.Anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/dev/messages?to={Uri.EscapeDataString(to)}", Ct);
        return [.. messages.EnumerateArray()];
    }

    public static IEnumerable<string?> Codes(JsonElement array) => array.EnumerateArray().Select(e => e.GetProperty("code").GetString());

    public static IEnumerable<string?> Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString());

    public static JsonElement Find(JsonElement array, string code) => array.EnumerateArray().Single(e => e.GetProperty("code").GetString() == code);
}
