using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http;
using MongoDB.Driver;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
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

/// <summary>Keyset paging of the newest-first lists: every list of the API pages through this one query.</summary>
public static class KeysetPaging
{
    // By member name: the driver maps them to created_at and _id (as an ObjectId) through each document's class map.
    private const string CreatedAt = nameof(IListedNewestFirst.CreatedAt);
    private const string Id = nameof(IListedNewestFirst.Id);

    /// <summary>
    /// The page of <paramref name="filter"/>'s documents that follows the request's cursor, newest first. It reads one
    /// document more than the page holds, to know whether a next page exists without counting.
    /// </summary>
    /// <param name="projection">Leaves out what a list does not show (a call log's turns), when given.</param>
    public static async Task<Page<TItem>> PageAsync<TDocument, TItem>(
        this IMongoCollection<TDocument> collection, FilterDefinition<TDocument> filter, PageRequest page, Func<TDocument, TItem> map,
        CancellationToken ct, ProjectionDefinition<TDocument>? projection = null)
        where TDocument : IListedNewestFirst
    {
        var f = Builders<TDocument>.Filter;
        if (page.Cursor is { } c)
        {
            filter &= f.Lt(CreatedAt, c.CreatedAt) | (f.Eq(CreatedAt, c.CreatedAt) & f.Lt(Id, c.Id));
        }
        var find = collection.Find(filter);
        if (projection is not null) find = find.Project<TDocument>(projection);
        var items = await find.Sort(Builders<TDocument>.Sort.Descending(CreatedAt).Descending(Id)).Limit(page.Limit + 1).ToListAsync(ct);
        var next = items.Count > page.Limit ? new PageCursor(items[page.Limit - 1].CreatedAt, items[page.Limit - 1].Id).Encode() : null;
        return new Page<TItem>(items.Take(page.Limit).Select(map).ToList(), next);
    }
}
