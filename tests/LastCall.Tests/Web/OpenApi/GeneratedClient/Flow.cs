// Compiled at test time together with the Kiota client generated from the served document (GeneratedClientTests);
// excluded from the test project's own compilation. Every call goes through the generated client and its models:
// no hand-written DTOs.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using LastCall.Client;
using LastCall.Client.Models;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;

namespace LastCall.Tests.GeneratedFlow;

public static class Flow
{
    /// <summary>
    /// The main flows: customer sign-in, precheck, document upload, submit; reviewer approves; clerk store cancellation;
    /// partner single, batch and CAMARA lookups; webhook registration. Returns what each step answered.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(Func<string?, HttpClient> http, IReadOnlyDictionary<string, string> given, CancellationToken ct)
    {
        var seen = new Dictionary<string, string>();
        LastCallClient Client(string? bearer)
        {
            var client = http(bearer);
            var adapter = new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: client)
            {
                BaseUrl = client.BaseAddress!.AbsoluteUri.TrimEnd('/'),
            };
            return new LastCallClient(adapter);
        }
        var anonymous = Client(null);

        // Customer: sign in with an SMS code (read from the development outbox), precheck, upload, submit.
        var msisdn = given["customerMsisdn"];
        var sent = await anonymous.Api.V1.Auth.Otp.PostAsync(new RequestSignInCodeRequest { Msisdn = msisdn }, cancellationToken: ct);
        seen["otp.expiresInSeconds"] = sent!.ExpiresInSeconds.ToString();
        var messages = await anonymous.Api.V1.Dev.Messages.GetAsync(c => c.QueryParameters.To = msisdn, ct);
        var code = Regex.Match(messages![0].Body!, @"\b\d{6}\b").Value;
        var signedIn = await anonymous.Api.V1.Auth.Login.PostAsync(new SignInRequest { Msisdn = msisdn, ServicePassword = given["customerPassword"], Otp = code }, cancellationToken: ct);
        var customer = Client(signedIn!.AccessToken);
        var precheck = await customer.Api.V1.Lines[msisdn].Precheck.GetAsync(cancellationToken: ct);
        seen["precheck.eligible"] = precheck!.Eligible.ToString()!;
        var upload = new MultipartBody();
        upload.AddOrReplacePart("file", "image/png", Convert.FromBase64String(given["documentBase64"]), "id.png");
        var document = await customer.Api.V1.Documents.PostAsync(upload, cancellationToken: ct);
        seen["document.contentType"] = document!.ContentType!;
        var submitted = await customer.Api.V1.Cancellations.PostAsync(
            new SubmitCancellationRequest { Msisdn = msisdn, Effective = "immediate", DocumentIds = [document.Id] }, cancellationToken: ct);
        seen["submit.status"] = submitted!.Status!;
        seen["submit.channel"] = submitted.Channel!;

        // Staff: the reviewer approves; a clerk files a store cancellation after checking the ID card.
        async Task<LastCallClient> StaffAsync(string username)
        {
            var staff = await anonymous.Api.V1.Staff.Auth.Login.PostAsync(new StaffSignInRequest { Username = username, Password = given["staffPassword"] }, cancellationToken: ct);
            return Client(staff!.AccessToken);
        }
        var reviewer = await StaffAsync("reviewer");
        var approved = await reviewer.Api.V1.Cancellations[submitted.Id!.Value].Approve.PostAsync(cancellationToken: ct);
        seen["approve.status"] = approved!.Status!;
        var clerk = await StaffAsync("clerk");
        var store = await clerk.Api.V1.Cancellations.PostAsync(new SubmitCancellationRequest
        {
            Msisdn = given["storeMsisdn"],
            Effective = "end_of_billing_cycle",
            IdentityCheck = new SubmitCancellationIdentityCheck { Method = "in_person_id", IdNumber = given["storeIdNumber"] },
        }, cancellationToken: ct);
        seen["store.status"] = store!.Status!;
        seen["store.channel"] = store.Channel!;

        // Partner: created by an admin; single, batch and CAMARA lookups; webhook registration.
        var admin = await StaffAsync("admin");
        var created = await admin.Api.V1.Admin.Partners.PostAsync(new ManagePartnersCreateRequest { Name = "Generated Client Bank" }, cancellationToken: ct);
        var partner = Client(created!.ApiKey);
        var lookup = given["lookupMsisdn"];
        var single = await partner.Api.V1.ReassignedNumbers[lookup].GetAsync(c => c.QueryParameters.Since = "2024-01-01", ct);
        seen["single.result"] = single!.Result!;
        var batch = await partner.Api.V1.ReassignedNumbers.Query.PostAsync(new ReassignedNumbersBatch
        {
            Queries = [new ReassignedNumbersQuery { Msisdn = lookup, Since = "2024-01-01" }, new ReassignedNumbersQuery { Msisdn = lookup, Since = "2015-01-01" }],
        }, cancellationToken: ct);
        seen["batch.results"] = string.Join(",", batch!.Results!.Select(r => r.Result));
        var camara = await partner.NumberRecycling.V02.Check.PostAsync(new CreateCheckNumRecycling { PhoneNumber = lookup, SpecifiedDate = new Date(2024, 1, 1) }, cancellationToken: ct);
        seen["camara.phoneNumberRecycled"] = camara!.PhoneNumberRecycled.ToString()!;
        var webhook = await partner.Api.V1.Partner.Webhook.PutAsync(new WebhookEndpointSettingsRequest { Url = given["webhookUrl"] }, cancellationToken: ct);
        seen["webhook.secretPrefix"] = webhook!.Secret![..6];
        return seen;
    }
}
