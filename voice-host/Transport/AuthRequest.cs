using System.Text.Json;
using VoiceAgents.Core.Calls;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Telephony;

namespace VoiceAgents.VoiceHost.Transport;

/// <summary>
/// The first message of a <c>/ws</c> call, read field by field so that a field of the wrong type is named in the
/// close reason (4400) instead of making the whole message unreadable (which would look like no auth at all, 4401).
/// </summary>
/// <remarks>The credential is <paramref name="Token"/> (a member's access token or a call token) or <paramref name="PublishableKey"/>.</remarks>
public sealed record AuthRequest(
    string? Token, string? AgentId, int SampleRate, string? PhoneNumber, string? CampaignId, IReadOnlyDictionary<string, string>? Variables = null,
    string? PublishableKey = null)
{
    public const int DefaultSampleRate = 16000;

    /// <summary>
    /// Reads <paramref name="json"/>. Null when it is not an auth message at all (then <paramref name="notAuth"/> says
    /// why, for a 4401); otherwise the request, and <paramref name="problem"/> names the first malformed field (a 4400
    /// once the token has been checked) or is null.
    /// </summary>
    public static AuthRequest? Read(ReadOnlySpan<byte> json, out string notAuth, out string? problem)
    {
        notAuth = "the first message must be {type:\"auth\"}";
        problem = null;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(json);
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            var type = String(root, "type", ref problem);
            if (type != "auth")
            {
                if (type == "audio") notAuth = "audio before auth";
                return null;
            }
            string? ignored = null;
            var token = String(root, "token", ref ignored);
            var publishableKey = String(root, "publishable_key", ref ignored);
            var agentId = String(root, "agent_id", ref problem);
            var sampleRate = DefaultSampleRate;
            if (Present(root, "sample_rate", out var rate))
            {
                if (rate.ValueKind != JsonValueKind.Number || !rate.TryGetInt32(out sampleRate)) problem ??= "sample_rate must be a whole number of Hz, from 8000 to 48000";
                else if (sampleRate is < 8000 or > 48000) problem ??= "sample_rate must be between 8000 and 48000";
            }
            var phone = String(root, "phone_number", ref problem);
            if (phone is not null && !PhoneNumbers.IsValid(phone)) problem ??= "phone_number must be an E.164 number such as +14155550123";
            var campaignId = String(root, "campaign_id", ref problem);
            if (campaignId is not null && !Ids.IsValid(campaignId)) problem ??= "campaign_id must be a 24-character hex id";
            var variables = ReadVariables(root, ref problem);
            return new AuthRequest(token, agentId, sampleRate, phone, campaignId?.ToLowerInvariant(), variables, publishableKey);
        }
    }

    /// <summary><c>variables</c>: an object of string values within <see cref="CallVariables"/>' limits.</summary>
    private static Dictionary<string, string>? ReadVariables(JsonElement root, ref string? problem)
    {
        if (!Present(root, "variables", out var value)) return null;
        if (value.ValueKind != JsonValueKind.Object)
        {
            problem ??= "variables must be an object of string values";
            return null;
        }
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                problem ??= $"variables.{property.Name} must be a string";
                return null;
            }
            variables[property.Name] = property.Value.GetString()!;
        }
        if (CallVariables.Problem(variables) is { } limit) problem ??= $"variables: {limit}";
        return problem is null ? variables : null;
    }

    /// <summary>A field that is there and not null.</summary>
    private static bool Present(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    private static string? String(JsonElement root, string name, ref string? problem)
    {
        if (!Present(root, name, out var value)) return null;
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        problem ??= $"{name} must be a string";
        return null;
    }
}
