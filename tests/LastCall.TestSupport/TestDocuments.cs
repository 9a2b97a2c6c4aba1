using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace LastCall.TestSupport;

/// <summary>Identity documents as the cancellation tests upload them.</summary>
public static class TestDocuments
{
    /// <summary>A few bytes that begin like a PNG file (signature and header chunk), as the upload tests send them.</summary>
    public static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3];

    /// <summary>Uploads a document with <c>POST /api/v1/documents</c> (expects 201) and returns its id.</summary>
    public static async Task<Guid> UploadAsync(HttpClient client, byte[] bytes, string fileName = "id.png", string? msisdn = null)
    {
        var ct = TestContext.Current.CancellationToken;
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", fileName);
        if (msisdn is not null)
            form.Add(new StringContent(msisdn), "msisdn");
        using var response = await client.PostAsync("/api/v1/documents", form, ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
    }
}
