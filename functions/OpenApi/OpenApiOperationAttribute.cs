namespace VoiceAgents.Functions.OpenApi;

/// <summary>What the OpenAPI document says of a function beyond its trigger: tag, summary, body and success response.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OpenApiOperationAttribute(string tag, string summary, Type? request, Type? response, int status = 200) : Attribute
{
    public string Tag { get; } = tag;
    public string Summary { get; } = summary;
    public Type? Request { get; } = request;
    public Type? Response { get; } = response;
    public int Status { get; } = status;

    /// <summary>Query parameters, as "name:type:description" (type is string, integer, date-time or id).</summary>
    public string[] QueryParameters { get; init; } = [];

    /// <summary>Error answers particular to this operation, as "status:description" (a 409 on a cap, say).</summary>
    public string[] Errors { get; init; } = [];

    /// <summary>Media types of a success body that is not JSON (an export's CSV, say).</summary>
    public string[] Produces { get; init; } = [];

    /// <summary>The body is <c>multipart/form-data</c> with a file in the field of this name (an upload), not JSON.</summary>
    public string? MultipartFile { get; init; }

    /// <summary>The operation answers 429 with <c>Retry-After</c> past its rate limit.</summary>
    public bool RateLimited { get; init; }
}
