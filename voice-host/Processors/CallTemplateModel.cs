using System.Globalization;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Templates;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// What a call's Liquid templates see: its variables as top-level names, and the built-ins <c>call.id</c>,
/// <c>call.agent_id</c>, <c>call.campaign_id</c>, <c>caller.phone_number</c> and <c>now</c> (the agent's time zone).
/// The system prompt, the first message, rule replies and tool arguments all render over it, so they agree.
/// </summary>
public static class CallTemplateModel
{
    /// <summary>A fresh model of <paramref name="call"/>; callers may add names (<c>match</c>, <c>tool</c>) to it.</summary>
    public static JsonObject For(CallContext call)
    {
        var model = LiquidTemplates.Model(call.Variables);
        // Built-ins win over variables of the same name: a caller must not pose as another call.
        model["call"] = new JsonObject
        {
            ["id"] = call.CallId,
            ["agent_id"] = call.Agent.Id,
            ["campaign_id"] = call.CampaignId,
        };
        model["caller"] = new JsonObject { ["phone_number"] = call.PhoneNumber };
        var zone = TimeZone(call);
        model["now"] = TimeZoneInfo.ConvertTime(call.Time.GetUtcNow(), zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
        return model;
    }

    /// <summary>Renders <paramref name="template"/> over the call's model (plus <paramref name="extra"/> names, if any).</summary>
    public static string Render(CallContext call, string? template, JsonObject? extra = null)
    {
        if (!LiquidTemplates.HasMarkup(template)) return template ?? "";
        var model = For(call);
        if (extra is not null)
        {
            foreach (var (name, value) in extra) model[name] = value?.DeepClone();
        }
        return LiquidTemplates.Render(template, model, TimeZone(call));
    }

    /// <summary>The agent's IANA time zone; UTC when it has none or the machine does not know it.</summary>
    public static TimeZoneInfo TimeZone(CallContext call) =>
        call.Agent.TimeZone is { Length: > 0 } id && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
}
