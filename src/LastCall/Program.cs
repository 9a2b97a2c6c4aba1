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

var app = builder.Build();
app.UseLastCallForwardedHeaders();
app.UseExceptionHandler();
// Texts for people follow Accept-Language: Chinese (the default) or English.
app.UseRequestLocalization(o => o.SetDefaultCulture("zh-CN").AddSupportedCultures("zh-CN", "en").AddSupportedUICultures("zh-CN", "en"));
app.UseStatusCodePages();
app.UseMiddleware<LastCall.Features.Lookup.CamaraErrors>();
app.UseAuthentication();
app.UseAuthorization();
app.UseRateLimiter();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapOpenApi();
app.MapScalarApiReference("/api-docs", o => o.WithTitle("LastCall API"));
app.MapLastCallEndpoints();

await app.RunAsync();
return 0;

/// <summary>Visible to the test host (WebApplicationFactory).</summary>
public partial class Program;
