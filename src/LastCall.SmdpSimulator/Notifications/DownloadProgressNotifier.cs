using System.Globalization;
using System.Net.Http.Json;
using LastCall.SmdpSimulator.Es2Plus;
using LastCall.SmdpSimulator.Profiles;

namespace LastCall.SmdpSimulator.Notifications;

/// <summary>
/// The inbound direction of ES2+ (SGP.22 5.3.5): tells the operator at <c>Smdp:CallbackUrl</c> how a
/// download goes. Notification points used: 3 = BPP download, 4 = BPP installation (Failed on an error).
/// One attempt per notification; the delivery log shows what happened.
/// </summary>
public sealed class DownloadProgressNotifier(HttpClient http, SimulatorSettings settings, NotificationLog log, TimeProvider clock, ILogger<DownloadProgressNotifier> logger)
{
    public const int BppDownload = 3;
    public const int BppInstallation = 4;

    public async Task<NotificationDelivery> NotifyAsync(ProfileView profile, int notificationPointId, FunctionExecutionStatus status, CancellationToken cancellationToken)
    {
        var callId = Guid.NewGuid().ToString("N");
        var url = CallbackUrl(settings.CallbackUrl);
        var now = clock.GetUtcNow();
        NotificationDelivery delivery;
        if (url is null)
        {
            delivery = new NotificationDelivery(now, profile.Iccid, notificationPointId, status.Status, callId, null, null, false, "Smdp:CallbackUrl is not set.");
        }
        else
        {
            var body = new HandleDownloadProgressInfoRequest(
                new RequestHeader(settings.RequesterId, callId),
                profile.Eid,
                profile.Iccid,
                profile.ProfileType,
                now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                notificationPointId,
                status,
                null);
            delivery = await SendAsync(url, body, now, cancellationToken);
        }

        log.Add(delivery);
        return delivery;
    }

    private async Task<NotificationDelivery> SendAsync(Uri url, HandleDownloadProgressInfoRequest body, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var callId = body.Header.FunctionCallIdentifier!;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: Es2PlusProtocol.Json) };
            request.Headers.Add(Es2PlusProtocol.AdminProtocolHeader, Es2PlusProtocol.AdminProtocolVersion);
            using var response = await http.SendAsync(request, cancellationToken);
            // SGP.22 answers a notification with 204 No Content; a 200 carrying Executed-Success is accepted too.
            var delivered = response.StatusCode == System.Net.HttpStatusCode.NoContent
                || (response.IsSuccessStatusCode && await IsExecutedSuccessAsync(response, cancellationToken));
            return new NotificationDelivery(now, body.Iccid, body.NotificationPointId, body.NotificationPointStatus.Status, callId, url, (int)response.StatusCode, delivered, null);
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning(ex, "handleDownloadProgressInfo to {Url} failed", url);
            return new NotificationDelivery(now, body.Iccid, body.NotificationPointId, body.NotificationPointStatus.Status, callId, url, null, false, ex.Message);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new NotificationDelivery(now, body.Iccid, body.NotificationPointId, body.NotificationPointStatus.Status, callId, url, null, false, "timed out: " + ex.Message);
        }
    }

    private static async Task<bool> IsExecutedSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await response.Content.ReadFromJsonAsync<Es2PlusResponse>(Es2PlusProtocol.Json, cancellationToken);
            return answer?.Header?.FunctionExecutionStatus?.Status == FunctionExecutionStatus.ExecutedSuccess;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The setting is the operator's ES2+ base address; the function path is added unless already there.</summary>
    public static Uri? CallbackUrl(Uri? configured)
    {
        if (configured is null)
            return null;
        var text = configured.ToString().TrimEnd('/');
        return text.EndsWith("/" + Es2PlusProtocol.HandleDownloadProgressInfo, StringComparison.Ordinal)
            ? new Uri(text)
            : new Uri(text + Es2PlusProtocol.BasePath + "/" + Es2PlusProtocol.HandleDownloadProgressInfo);
    }
}
