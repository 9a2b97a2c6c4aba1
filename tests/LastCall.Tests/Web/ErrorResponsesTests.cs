using System.Globalization;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;
using LastCall.Hosting;
using LastCall.TestSupport;
using LastCall.Web;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LastCall.Tests.Web;

/// <summary>
/// The one mapping from a <see cref="DomainError"/> to HTTP (<see cref="ErrorResponses"/>): every kind has its status,
/// every problem carries the error's code and message, and each kind's shape adds what a client acts on.
/// </summary>
public sealed class ErrorResponsesTests
{
    public static TheoryData<ErrorKind, int> Statuses => new()
    {
        { ErrorKind.Validation, StatusCodes.Status400BadRequest },
        { ErrorKind.Unauthorized, StatusCodes.Status401Unauthorized },
        { ErrorKind.Forbidden, StatusCodes.Status403Forbidden },
        { ErrorKind.NotFound, StatusCodes.Status404NotFound },
        { ErrorKind.Conflict, StatusCodes.Status409Conflict },
        { ErrorKind.TooLarge, StatusCodes.Status413PayloadTooLarge },
        { ErrorKind.UnsupportedMediaType, StatusCodes.Status415UnsupportedMediaType },
        { ErrorKind.NotEligible, StatusCodes.Status422UnprocessableEntity },
        { ErrorKind.Unprocessable, StatusCodes.Status422UnprocessableEntity },
        { ErrorKind.TooManyRequests, StatusCodes.Status429TooManyRequests },
        { ErrorKind.Unavailable, StatusCodes.Status503ServiceUnavailable },
    };

    [Fact]
    public void Statuses_CoverEveryKind()
    {
        var covered = Statuses.Select(row => row.Data.Item1).ToHashSet();

        Assert.Equal(Enum.GetValues<ErrorKind>().ToHashSet(), covered);
    }

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Problem_EveryKind_HasItsStatusTheCodeAndTheMessage(ErrorKind kind, int status)
    {
        var error = new DomainError(kind, "some_code", "What went wrong.");

        var problem = ErrorResponses.Problem(error);

        Assert.Equal(status, ErrorResponses.StatusOf(kind));
        Assert.Equal(status, problem.StatusCode);
        Assert.Equal(status, problem.ProblemDetails.Status);
        Assert.Equal("What went wrong.", problem.ProblemDetails.Detail);
        Assert.Equal("some_code", problem.ProblemDetails.Extensions["code"]);
        Assert.False(string.IsNullOrEmpty(problem.ProblemDetails.Title));
        Assert.False(string.IsNullOrEmpty(problem.ProblemDetails.Type));
        Assert.Equal("application/problem+json", problem.ContentType);
    }

    [Fact]
    public void Problem_ValidationWithField_NamesTheFieldInErrors()
    {
        var problem = ErrorResponses.Problem(Fail.Validation("msisdn", "invalid_msisdn", "The number is missing."));

        var errors = Assert.IsType<Dictionary<string, string[]>>(problem.ProblemDetails.Extensions["errors"]);
        Assert.Equal(["The number is missing."], errors["msisdn"]);
    }

    [Fact]
    public void Problem_ValidationWithoutField_HasNoErrors()
    {
        var problem = ErrorResponses.Problem(Fail.Validation("invalid_amount", "An amount is zero or more."));

        Assert.False(problem.ProblemDetails.Extensions.ContainsKey("errors"));
    }

    [Fact]
    public void Problem_NotEligible_ListsEveryBlockerWithMessageAndFixInTheCallersLanguage()
    {
        var http = HttpWithPolicies();
        var ineligible = new Ineligibility(
            [new Finding(EligibilityCodes.FraudHold, new Dictionary<string, string>()), new Finding(EligibilityCodes.AccountLocked, new Dictionary<string, string>())],
            [new Finding(EligibilityCodes.CompanionDevices, new Dictionary<string, string> { ["count"] = "1", ["devices"] = "Watch" })],
            [new AlternativeOffer("suspension", true, [], 5m, 12, null, "CNY")]);

        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("en");
        try
        {
            var problem = ErrorResponses.Problem(Fail.NotEligible("The line cannot be cancelled yet.", ineligible), http);

            Assert.Equal(StatusCodes.Status422UnprocessableEntity, problem.StatusCode);
            Assert.Equal("not_eligible", problem.ProblemDetails.Extensions["code"]);
            var blockers = Assert.IsType<List<FindingTexts.Blocker>>(problem.ProblemDetails.Extensions["blockers"]);
            Assert.Equal([EligibilityCodes.FraudHold, EligibilityCodes.AccountLocked], blockers.Select(b => b.Code));
            Assert.All(blockers, b => Assert.False(string.IsNullOrEmpty(b.Message)));
            Assert.All(blockers, b => Assert.False(string.IsNullOrEmpty(b.Fix)));
            var warnings = Assert.IsType<List<FindingTexts.Warning>>(problem.ProblemDetails.Extensions["warnings"]);
            Assert.Equal([EligibilityCodes.CompanionDevices], warnings.Select(w => w.Code));
            Assert.Same(ineligible.Alternatives, problem.ProblemDetails.Extensions["alternatives"]);
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void Problem_NotEligibleWithBlockersOnly_HasNeitherWarningsNorAlternatives()
    {
        var problem = ErrorResponses.Problem(
            Fail.NotEligible("The line cannot be suspended now.", new Ineligibility([new Finding(Alternatives.LineNotActive, new Dictionary<string, string>())])),
            HttpWithPolicies());

        var blocker = Assert.Single(Assert.IsType<List<FindingTexts.Blocker>>(problem.ProblemDetails.Extensions["blockers"]));
        Assert.Equal(Alternatives.LineNotActive, blocker.Code);
        Assert.False(problem.ProblemDetails.Extensions.ContainsKey("warnings"));
        Assert.False(problem.ProblemDetails.Extensions.ContainsKey("alternatives"));
    }

    [Fact]
    public void Problem_TooManyRequests_SaysWhenToRetryInHeaderAndBody()
    {
        var http = HttpWithPolicies();

        var problem = ErrorResponses.Problem(Fail.TooManyRequests("locked_out", "Too many failed sign-ins.", TimeSpan.FromSeconds(59.2)), http);

        Assert.Equal(StatusCodes.Status429TooManyRequests, problem.StatusCode);
        Assert.Equal(60, problem.ProblemDetails.Extensions["retryAfterSeconds"]);
        Assert.Equal("60", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public void Problem_UnavailableWithRetryAfter_SetsTheHeaderOnly()
    {
        var http = HttpWithPolicies();

        var problem = ErrorResponses.Problem(Fail.Unavailable("billing_unavailable", "The billing system does not answer.", TimeSpan.FromSeconds(30)), http);

        Assert.Equal(StatusCodes.Status503ServiceUnavailable, problem.StatusCode);
        Assert.Equal("30", http.Response.Headers.RetryAfter.ToString());
        Assert.False(problem.ProblemDetails.Extensions.ContainsKey("retryAfterSeconds"));
    }

    [Fact]
    public void UiProblem_AppliedToAPage_AnswersTheApisStatusAndRetryAfter()
    {
        var http = new DefaultHttpContext();

        new UiProblem(Fail.TooManyRequests("locked_out", "Too many failed sign-ins.", TimeSpan.FromSeconds(90))).ApplyTo(http.Response);

        Assert.Equal(StatusCodes.Status429TooManyRequests, http.Response.StatusCode);
        Assert.Equal("90", http.Response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public void ValueObjectError_BlamedOnAField_BecomesValidation()
    {
        var error = Fail.Conflict("invalid_id_number", "The ID number is malformed.").For("newOwner.idNumber");

        Assert.Equal(ErrorKind.Validation, error.Kind);
        Assert.Equal("newOwner.idNumber", error.Field);
        Assert.Equal("invalid_id_number", error.Code);
    }

    /// <summary>
    /// Handlers and pages return <see cref="DomainError"/>s and leave the status to <see cref="ErrorResponses"/>: no
    /// file under Features/ or Pages/ writes a problem with a hand-picked status. Features/Lookup is the one area not moved
    /// yet (its owner changes it in another branch); remove it from the list when it is.
    /// </summary>
    [Fact]
    public void FeaturesAndPages_DoNotPickProblemStatusesThemselves()
    {
        var root = Repository.Root();
        var notMovedYet = new[] { Path.Combine("Features", "Lookup") + Path.DirectorySeparatorChar };
        var handPicked = new[] { "Problems.Create(", "Problems.Validation(", "TypedResults.Problem(", "Results.Problem(" };
        var host = Path.Combine(root, "src", "LastCall");

        var offenders = new[] { "Features", "Pages" }
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(host, folder), "*.cs", SearchOption.AllDirectories))
            .Where(file => !notMovedYet.Any(Path.GetRelativePath(host, file).StartsWith))
            .Where(file => handPicked.Any(File.ReadAllText(file).Contains))
            .Select(file => Path.GetRelativePath(root, file))
            .ToList();

        Assert.Empty(offenders);
    }

    private static DefaultHttpContext HttpWithPolicies() => new()
    {
        RequestServices = new ServiceCollection()
            .AddSingleton(PolicySettings.From(new PolicyOptions(), "CNY"))
            .BuildServiceProvider(),
    };
}
