using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Errors;

namespace VoiceAgents.Functions.Infrastructure;

/// <summary>A position in a newest-first list: the created_at and id of the last item seen.</summary>
public sealed record PageCursor(DateTime CreatedAt, string Id)
{
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{CreatedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{Id}"));

    public static PageCursor? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            var parts = text.Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is > 0 and <= 3155378975999999999 && Ids.IsValid(parts[1]))
            {
                return new PageCursor(new DateTime(ticks, DateTimeKind.Utc), parts[1]);
            }
        }
        catch (FormatException)
        {
        }
        throw new ValidationException("cursor", "is not a valid cursor.");
    }
}

public sealed record PageRequest(int Limit, PageCursor? Cursor)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static PageRequest From(HttpRequest request)
    {
        var limit = DefaultLimit;
        var raw = request.Query["limit"].ToString();
        if (raw.Length > 0 && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            throw new ValidationException("limit", $"must be an integer from 1 to {MaxLimit}.");
        }
        return new PageRequest(limit, PageCursor.Decode(request.Query["cursor"].ToString()));
    }
}

/// <summary>One page of a list, newest first. <c>next_cursor</c> is absent on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
