using System.Globalization;
using System.Text.Json.Nodes;

namespace VoiceAgents.Core.Templates;

/// <summary>
/// The model a call's Liquid templates render over: the call's variables as top-level names, then the built-ins
/// <c>call.id</c>, <c>call.agent_id</c>, <c>call.campaign_id</c>, <c>caller.phone_number</c> and <c>now</c> (ISO 8601
/// in the agent's time zone), which win over a variable of the same name.
/// </summary>
public static class CallBuiltIns
{
    public static JsonObject Model(
        IReadOnlyDictionary<string, string>? variables, string callId, string agentId, string? campaignId, string? phoneNumber,
        DateTimeOffset now, TimeZoneInfo? timeZone)
    {
        var model = LiquidTemplates.Model(variables);
        model["call"] = new JsonObject { ["id"] = callId, ["agent_id"] = agentId, ["campaign_id"] = campaignId };
        model["caller"] = new JsonObject { ["phone_number"] = phoneNumber };
        model["now"] = TimeZoneInfo.ConvertTime(now, timeZone ?? TimeZoneInfo.Utc).ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        return model;
    }

    /// <summary>The agent's IANA time zone, or UTC when it has none or it is unknown here.</summary>
    public static TimeZoneInfo TimeZone(string? id) =>
        id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
