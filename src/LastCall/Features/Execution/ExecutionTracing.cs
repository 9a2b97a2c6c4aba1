using System.Diagnostics;
using LastCall.Domain.Cancellations;
using LastCall.Domain.Common;
using LastCall.Features.Cancellations;

namespace LastCall.Features.Execution;

/// <summary>
/// Spans of the execution (docs/operations.md, Tracing): one per claimed run of a request, continuing the trace
/// of the request that submitted it (<see cref="CancellationRequest.TraceParent"/>), so that one trace runs from
/// submit to certificate; and one per step attempt inside it. Without a listener nothing is created.
/// </summary>
public static class ExecutionTracing
{
    public const string SourceName = "LastCall.Execution";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The run's span; on dispose it records the status the run left the request in.</summary>
    public static IDisposable? StartRun(CancellationRequest request)
    {
        if (!Source.HasListeners())
            return null;
        ActivityContext.TryParse(request.TraceParent, null, isRemote: true, out var submitted);
        var activity = Source.StartActivity("cancellation.execute", ActivityKind.Internal, submitted);
        activity?.SetTag("lastcall.request_id", request.Id.ToString());
        return activity is null ? null : new RunSpan(activity, request);
    }

    /// <summary>Wraps every registered step in a span (the runner calls the steps through it, unaware).</summary>
    public static void TraceSteps(this IServiceCollection services)
    {
        var steps = services.Where(d => d.ServiceType == typeof(IExecutionStep) && d.ImplementationType is not null).ToList();
        foreach (var step in steps)
        {
            services.Remove(step);
            var type = step.ImplementationType!;
            services.Add(new ServiceDescriptor(typeof(IExecutionStep), sp => new TracedStep((IExecutionStep)ActivatorUtilities.CreateInstance(sp, type)), step.Lifetime));
        }
    }

    private sealed class RunSpan(Activity activity, CancellationRequest request) : IDisposable
    {
        public void Dispose()
        {
            activity.SetTag("lastcall.status", request.Status.ToWireName());
            activity.Dispose();
        }
    }

    private sealed class TracedStep(IExecutionStep step) : IExecutionStep
    {
        public StepName Name => step.Name;

        public async Task<StepResult> RunAsync(StepContext context, CancellationToken ct)
        {
            var name = Name.ToWireName();
            using var activity = Source.StartActivity("cancellation.step " + name);
            if (activity is null)
                return await step.RunAsync(context, ct);
            activity.SetTag("lastcall.request_id", context.Request.Id.ToString());
            activity.SetTag("lastcall.step", name);
            try
            {
                var result = await step.RunAsync(context, ct);
                activity.SetTag("lastcall.outcome", result.Outcome.ToWireName());
                if (result.Outcome != StepOutcome.Succeeded)
                    activity.SetStatus(ActivityStatusCode.Error, result.Detail);
                return result;
            }
            catch (Exception e)
            {
                // The runner turns the exception into a transient failure; the span shows what it was.
                activity.SetTag("lastcall.outcome", "exception");
                activity.AddException(e);
                activity.SetStatus(ActivityStatusCode.Error, e.Message);
                throw;
            }
        }
    }
}
