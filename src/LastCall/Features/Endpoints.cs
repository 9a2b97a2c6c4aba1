using LastCall.Features.Admin;
using LastCall.Features.Auth;
using LastCall.Features.Calls;
using LastCall.Features.Certificates;
using LastCall.Features.Cancellations;
using LastCall.Features.Dev;
using LastCall.Features.Documents;
using LastCall.Features.Health;
using LastCall.Features.Lines;
using LastCall.Features.Lookup;
using LastCall.Features.Me;
using LastCall.Features.Operations;
using LastCall.Features.PartnerApi;
using LastCall.Features.Porting;
using LastCall.Features.Recycling;
using LastCall.Features.Reports;
using LastCall.Features.Suspensions;
using LastCall.Features.Tmf;
using LastCall.Features.Transfers;
using LastCall.Integrations.Smdp;
using LastCall.Security;

namespace LastCall.Features;

/// <summary>Every route of the API, grouped per feature with the group's authorization policy.</summary>
public static class Endpoints
{
    public static void MapLastCallEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthEndpoints();
        OperatorMetrics.Map(app);

        RequestSignInCode.Map(app);
        SignIn.Map(app);
        StaffSignIn.Map(app);
        ListSentMessages.Map(app);

        var me = app.MapGroup("/api/v1/me").WithTags("My account").RequireAuthorization(Policies.Customer);
        ListMyLines.Map(me);
        AccountLock.Map(me);

        var lines = app.MapGroup("/api/v1/lines").WithTags("Lines");
        GetLine.Map(lines);
        FlagLine.Map(lines);
        UnlockAccountInPerson.Map(lines);
        Precheck.Map(lines);
        ListBills.Map(lines);
        ChangeServicePassword.Map(lines);
        SuspendLine.Map(lines);
        GetSuspension.Map(lines);
        ResumeLine.Map(lines);
        GrantTransferConsent.Map(lines);
        TransferLine.Map(lines);
        PreviousHolderUnbindings.Map(lines);
        RequestPortAuthorization.Map(lines);
        PortOuts.Map(app);

        var documents = app.MapGroup("/api/v1/documents").WithTags("Cancellations");
        UploadDocument.Map(documents);
        GetDocument.Map(documents);

        var cancellations = app.MapGroup("/api/v1/cancellations").WithTags("Cancellations");
        SubmitCancellation.Map(cancellations);
        GetCancellation.Map(cancellations);
        ListCancellations.Map(cancellations);
        WithdrawCancellation.Map(cancellations);
        ApproveCancellation.Map(cancellations);
        RejectCancellation.Map(cancellations);
        RetryCancellation.Map(cancellations);
        GetUnbinding.Map(cancellations);
        MarkUnbindingItem.Map(cancellations);
        ReviewQueue.Map(app);
        CertificateEndpoints.Map(app);

        var calls = app.MapGroup("/api/v1/calls").WithTags("Call centre").RequireAuthorization(Policies.Agent);
        SendCallerCode.Map(calls);
        VerifyCaller.Map(calls);

        var admin = app.MapGroup("/api/v1/admin").WithTags("Administration").RequireAuthorization(Policies.Admin);
        CreateStaff.Map(admin);
        ManagePartners.Map(admin);
        UsageReport.MapForAdmin(admin);
        ImportSubscribersEndpoint.Map(admin);

        // Regulator reports: supervisors file and read them as well as admins.
        ReportEndpoints.Map(app.MapGroup("/api/v1/admin/reports").WithTags("Regulator reports").RequireAuthorization(Policies.Supervisor));
        // Recycling acknowledgements that partners owe: supervisors chase them as well as admins.
        ListUnacknowledgedRecyclingNotices.Map(app.MapGroup("/api/v1/admin").WithTags("Recycling notices").RequireAuthorization(Policies.Supervisor));

        // The SM-DP+'s ES2+ notifications (handleDownloadProgressInfo).
        SmdpCallbackEndpoint.Map(app).AllowAnonymous().AddEndpointFilter<SmdpCallbackGuard>();

        var partner = app.MapGroup("/api/v1/partner").WithTags("Partners").RequireAuthorization(Policies.Partner).RequirePartnerRateLimit();
        WhoAmI.Map(partner);
        UsageReport.MapForPartner(partner);
        Watchlist.Map(partner);
        WebhookEndpointSettings.Map(partner);
        AcknowledgeUnbinding.Map(partner);
        AcknowledgeRecyclingNotice.Map(partner);
        ListPartnerRecyclingNotices.Map(partner);
        Deliveries.Map(partner);

        var lookups = app.MapGroup("/api/v1").WithTags("Partners").RequireAuthorization(Policies.Partner).RequirePartnerRateLimit();
        ReassignedNumbers.Map(lookups);
        ReassignedNumbersCsv.Map(lookups);
        VerifyLookupReceipt.Map(app);
        CamaraNumberRecycling.Map(app).RequireAuthorization(Policies.Partner).RequirePartnerRateLimit();

        // TM Forum Open APIs for the operator's BSS (keys with the bss scope only); errors in TMF's body (TmfErrors).
        var tmf = app.MapGroup("/tmf-api").WithTags("TM Forum (BSS)").RequireAuthorization(Policies.Bss).RequirePartnerRateLimit();
        ListProducts.Map(tmf);
        GetProduct.Map(tmf);
        RegisterListener.Map(tmf);
        UnregisterListener.Map(tmf);
        PlaceProductOrder.Map(tmf);
        GetProductOrder.Map(tmf);
    }
}
