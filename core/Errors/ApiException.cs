namespace VoiceAgents.Core.Errors;

/// <summary>An expected failure that the API turns into an RFC 9457 problem response.</summary>
public abstract class ApiException(int status, string title, string? detail) : Exception(detail ?? title)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public string? Detail { get; } = detail;
}

public sealed class NotFoundException(string resource)
    : ApiException(404, "Not Found", $"{resource} was not found.");

public sealed class ConflictException(string detail) : ApiException(409, "Conflict", detail);

public sealed class UnauthorizedException(string detail = "Authentication is required.")
    : ApiException(401, "Unauthorized", detail);

public sealed class ForbiddenException(string detail = "You do not have permission to do this.")
    : ApiException(403, "Forbidden", detail);

public sealed class PayloadTooLargeException(long limit, string what = "The request body")
    : ApiException(413, "Payload Too Large", $"{what} must not exceed {limit} bytes.");

public sealed class UnsupportedMediaTypeException(string? contentType, string expected = "application/json")
    : ApiException(415, "Unsupported Media Type", $"Expected {expected} but got '{contentType}'.");

public sealed class TooManyRequestsException(TimeSpan retryAfter, string detail = "Too many attempts. Try again later.")
    : ApiException(429, "Too Many Requests", detail)
{
    /// <summary>At least a second: <c>Retry-After</c> is whole seconds and 0 would invite an immediate retry.</summary>
    public TimeSpan RetryAfter { get; } = retryAfter < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : retryAfter;
}

/// <summary>Bad input, with the fields at fault (snake_case paths such as <c>llm.provider</c>).</summary>
public sealed class ValidationException(IDictionary<string, string[]> errors)
    : ApiException(400, "One or more validation errors occurred.", null)
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}

/// <summary>No function serves the path, for any method.</summary>
public sealed class RouteNotFoundException(string method, string path)
    : ApiException(404, "Not Found", $"No function serves {method} {path}.");

/// <summary>The path is a route, but not for this method; <see cref="Allowed"/> goes in the <c>Allow</c> header.</summary>
public sealed class MethodNotAllowedException(string method, string path, IReadOnlyList<string> allowed)
    : ApiException(405, "Method Not Allowed", $"{path} does not accept {method}; it accepts {string.Join(", ", allowed)}.")
{
    public IReadOnlyList<string> Allowed { get; } = allowed;
}
