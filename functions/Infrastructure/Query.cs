using System.Globalization;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>Typed query-string parameters; a malformed value is a 400 naming the parameter.</summary>
public static class Query
{
    public static string? Id(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        return value.Length == 0 ? null : Ids.Parse(value, name);
    }

    public static string? String(HttpRequest request, string name, int maxLength = 100)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0) return null;
        if (value.Length > maxLength) throw new ValidationException(name, $"must be at most {maxLength} characters.");
        return value;
    }

    public static DateTime? Date(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0) return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d))
        {
            return d.UtcDateTime;
        }
        throw new ValidationException(name, "must be an ISO 8601 date or date-time.");
    }

    /// <summary>The <c>from</c> (inclusive) and <c>to</c> (exclusive) parameters of a time range; <c>to</c> must come after <c>from</c>.</summary>
    public static (DateTime? From, DateTime? To) Range(HttpRequest request)
    {
        var (from, to) = (Date(request, "from"), Date(request, "to"));
        if (from is { } f && to is { } t && f >= t) throw new ValidationException("to", "must be after from.");
        return (from, to);
    }

    /// <summary>A <c>true</c> or <c>false</c> parameter.</summary>
    public static bool? Bool(HttpRequest request, string name)
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0) return null;
        if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase)) return true;
        if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase)) return false;
        throw new ValidationException(name, "must be true or false.");
    }

    public static TEnum? Enum<TEnum>(HttpRequest request, string name) where TEnum : struct, System.Enum
    {
        var value = request.Query[name].ToString();
        if (value.Length == 0) return null;
        // Compare with the names themselves: an enum parser also takes numbers and "a,b" (both values OR-ed into a third).
        foreach (var candidate in System.Enum.GetValues<TEnum>())
        {
            if (string.Equals(SnakeCase(candidate), value, StringComparison.OrdinalIgnoreCase)) return candidate;
        }
        throw new ValidationException(name, $"must be one of: {string.Join(", ", System.Enum.GetValues<TEnum>().Select(SnakeCase))}.");
    }

    private static string SnakeCase<TEnum>(TEnum value) where TEnum : struct, System.Enum =>
        System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
