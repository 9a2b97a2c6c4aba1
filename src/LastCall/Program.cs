using LastCall.Web;
using LastCall.Cli;
using LastCall.Features;
using LastCall.Hosting;
using Scalar.AspNetCore;

// The host is also the operator's command-line tool: `lastcall [serve|migrate|import …]`.
if (args is ["serve", ..])
    args = args[1..];
else if (CommandLine.IsVerb(args))
    return await CommandLine.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddLastCall();
builder.AddLastCallWebUi();

var app = builder.Build();
app.UseLastCallForwardedHeaders();
// TM Forum clients get TM Forum's error body from every error under /tmf-api, so this wraps everything that can answer one.
app.UseMiddleware<LastCall.Features.Tmf.TmfErrors>();
app.UseExceptionHandler();
// Texts for people: the API follows Accept-Language, the web UI its culture switch, then ?culture=, then the browser; Chinese is the default.
// Partner lookups answer machine codes only, and are the hot path: they skip language negotiation.
app.UseWhen(context => !WebUiSetup.IsPartnerLookup(context), branch => branch.UseRequestLocalization(WebCulture.LocalizationOptions()));
app.UseStatusCodePages();
// Security headers, HTML error pages and static files of the web UI (inside the API's status code pages).
app.UseLastCallWebUi();
// Routing after the UI's error pages, so a re-executed /error/{status} finds its page.
app.UseRouting();
// A known partner's lookup within its limit is answered here, without the middleware below (decision 0030).
app.UseMiddleware<LastCall.Security.PartnerLookupGate>();
app.UseMiddleware<LastCall.Features.Lookup.CamaraErrors>();
app.UseAuthentication();
app.UseLastCallWebSession();
app.UseAuthorization();
app.UseMiddleware<LastCall.Security.PartnerRateLimitMiddleware>();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapOpenApi();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("LastCall API"));
app.MapLastCallEndpoints();
app.MapLastCallWebUi();

await app.RunAsync();
return 0;

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
