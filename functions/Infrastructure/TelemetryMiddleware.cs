using System.Diagnostics;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using VoiceAgents.Core.Telemetry;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// Outermost: times every HTTP function and counts it by status (<see cref="ApiMetrics"/>), after the problem
/// middleware has turned failures into their status codes.
/// </summary>
public sealed class TelemetryMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }
        var started = Stopwatch.GetTimestamp();
        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            ApiMetrics.Record(context.FunctionDefinition.Name, failed ? 500 : http.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }
}
