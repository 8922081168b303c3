using System.Text;
using System.Text.Json;

namespace VoiceAgents.VoiceHost.Providers;

/// <summary>One HTTP exchange with a batch speech-to-text vendor, with every failure turned into a <see cref="ProviderException"/>.</summary>
public static class SttHttp
{
    /// <summary>
    /// Sends the request and returns the body of a successful response. The whole exchange, first byte and body
    /// included, must finish within <paramref name="timeout"/>; a cancelled <paramref name="ct"/> aborts it.
    /// </summary>
    /// <param name="vendorError">Reads the vendor's error message from an error body, or returns null.</param>
    public static async Task<byte[]> SendAsync(
        HttpClient http, HttpRequestMessage request, string provider, TimeSpan timeout, Func<JsonElement, string?> vendorError, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            if (response.IsSuccessStatusCode) return body;
            throw new ProviderException(provider, $"HTTP {(int)response.StatusCode}: {ErrorMessage(body, vendorError)}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ProviderException(provider, $"no complete response within {timeout.TotalSeconds:0.##} s");
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ProviderException(provider, $"request failed: {e.Message}", e);
        }
    }

    /// <summary>Parses a successful body, so that a malformed one is a provider failure too.</summary>
    public static T Parse<T>(byte[] body, string provider, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return read(doc.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new ProviderException(provider, $"unreadable response: {Snippet(body)}", e);
        }
    }

    private static string ErrorMessage(byte[] body, Func<JsonElement, string?> vendorError)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (vendorError(doc.RootElement) is { Length: > 0 } message) return message;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }
        return body.Length == 0 ? "(empty body)" : Snippet(body);
    }

    private static string Snippet(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 300)).Trim();
        return body.Length > 300 ? text + "…" : text;
    }

    /// <summary>A string property, or null.</summary>
    public static string? Text(this JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
