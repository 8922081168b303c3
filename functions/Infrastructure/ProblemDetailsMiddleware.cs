using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using MongoDB.Driver;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// Turns every failure of an HTTP function into an RFC 9457 problem response. Queue functions are left alone so
/// their exceptions reach the host's retry and poison-queue rules.
/// </summary>
public sealed partial class ProblemDetailsMiddleware(ILogger<ProblemDetailsMiddleware> log) : IFunctionsWorkerMiddleware
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        var http = context.GetHttpContext();
        if (http is null)
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var problem = ToProblem(e, http, context.InvocationId);
            if (problem.Status >= 500) LogFailure(e, context.FunctionDefinition.Name);
            await WriteAsync(http, problem);
        }
    }

    public static async Task WriteAsync(HttpContext http, ProblemDetails problem)
    {
        http.Response.StatusCode = problem.Status ?? 500;
        http.Response.ContentType = "application/problem+json";
        await JsonSerializer.SerializeAsync(http.Response.Body, problem, problem.GetType(), Json);
    }

    public static ProblemDetails ToProblem(Exception e, HttpContext http, string? traceId)
    {
        ProblemDetails problem = e switch
        {
            ValidationException v => new HttpValidationProblemDetails(v.Errors) { Status = 400, Title = v.Title },
            TooManyRequestsException t => Problem(t, http.Response.Headers.RetryAfter = ((int)Math.Ceiling(t.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            UnauthorizedException u => Problem(u, http.Response.Headers.WWWAuthenticate = "Bearer"),
            MethodNotAllowedException m => Problem(m, http.Response.Headers.Allow = string.Join(", ", m.Allowed)),
            ApiException a => Problem(a, null),
            BadHttpRequestException b => new ProblemDetails { Status = b.StatusCode, Title = b.StatusCode == 413 ? "Payload Too Large" : "Bad Request", Detail = b.Message },
            MongoConnectionException or TimeoutException or Amazon.Runtime.AmazonServiceException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable } =>
                new ProblemDetails { Status = 503, Title = "Service Unavailable", Detail = "A backing service is unavailable. Try again shortly." },
            OperationCanceledException when http.RequestAborted.IsCancellationRequested =>
                new ProblemDetails { Status = 499, Title = "Client Closed Request" },
            _ => new ProblemDetails { Status = 500, Title = "Internal Server Error", Detail = "An unexpected error occurred." },
        };
        problem.Type ??= TypeFor(problem.Status ?? 500);
        problem.Instance ??= http.Request.Path;
        if (traceId is not null) problem.Extensions["trace_id"] = traceId;
        return problem;
    }

    private static ProblemDetails Problem(ApiException e, object? _) => new() { Status = e.Status, Title = e.Title, Detail = e.Detail };

    /// <summary>The RFC section that defines a status, as the problem's <c>type</c>.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        401 => "https://tools.ietf.org/html/rfc9110#section-15.5.2",
        403 => "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        404 => "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        405 => "https://tools.ietf.org/html/rfc9110#section-15.5.6",
        408 => "https://tools.ietf.org/html/rfc9110#section-15.5.9",
        409 => "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        413 => "https://tools.ietf.org/html/rfc9110#section-15.5.14",
        414 => "https://tools.ietf.org/html/rfc9110#section-15.5.15",
        415 => "https://tools.ietf.org/html/rfc9110#section-15.5.16",
        429 => "https://tools.ietf.org/html/rfc6585#section-4",
        431 => "https://tools.ietf.org/html/rfc6585#section-5",
        503 => "https://tools.ietf.org/html/rfc9110#section-15.6.4",
        _ => "https://tools.ietf.org/html/rfc9110#section-15.6.1",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Function {Function} failed")]
    private partial void LogFailure(Exception e, string function);
}
