using System.Text.Json;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Json;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>Reads a JSON body with a size limit, turning every way it can be wrong into a 400, 413 or 415 problem.</summary>
public static class RequestBody
{
    public const long MaxBytes = 1024 * 1024;

    public static async Task<T> ReadAsync<T>(HttpRequest request, CancellationToken ct) where T : class
    {
        if (request.ContentLength > MaxBytes) throw new PayloadTooLargeException(MaxBytes);
        var contentType = request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new UnsupportedMediaTypeException(contentType);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes) throw new PayloadTooLargeException(MaxBytes);
            buffer.Write(chunk, 0, read);
        }
        if (buffer.Length == 0) throw new ValidationException("$", "A JSON request body is required.");

        try
        {
            return JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), JsonDefaults.Options)
                ?? throw new ValidationException("$", "The request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ValidationException(FieldOf(e.Path), Describe(e));
        }
    }

    private static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$") return "$";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Describe(JsonException e)
    {
        // System.Text.Json's messages name CLR types; say what the client must send instead.
        var message = e.Message;
        if (message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return "has the wrong type or an unknown value.";
        }
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return "is not valid JSON: " + (cut > 0 ? message[..cut] : message);
    }
}
