using System.Text.Json.Nodes;
using VoiceAgents.Core.Templates;

namespace VoiceAgents.VoiceHost.Processors;

/// <summary>
/// What a call's Liquid templates see: its variables as top-level names, and the built-ins <c>call.id</c>,
/// <c>call.agent_id</c>, <c>call.campaign_id</c>, <c>caller.phone_number</c> and <c>now</c> (the agent's time zone).
/// The system prompt, the first message, rule replies and tool arguments all render over it, and the API's preview
/// over the same core <see cref="CallBuiltIns"/>, so they agree.
/// </summary>
public static class CallTemplateModel
{
    /// <summary>A fresh model of <paramref name="call"/>; callers may add names (<c>match</c>, <c>tool</c>) to it.</summary>
    public static JsonObject For(CallContext call) =>
        CallBuiltIns.Model(call.Variables, call.CallId, call.Agent.Id, call.CampaignId, call.PhoneNumber, call.Time.GetUtcNow(), TimeZone(call));

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
    public static TimeZoneInfo TimeZone(CallContext call) => CallBuiltIns.TimeZone(call.Agent.TimeZone);
}
