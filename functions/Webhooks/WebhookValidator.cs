using VoiceAgents.Core.Errors;
using VoiceAgents.Core.Events;
using VoiceAgents.Core.Net;

namespace VoiceAgents.Functions.Webhooks;

/// <summary>A webhook request that passed validation.</summary>
public sealed record ValidWebhook(string Url, List<string> Events, string? Secret);

/// <summary>Validates a webhook request, the SSRF guard included.</summary>
public static class WebhookValidator
{
    public const int MaxUrlLength = 2_000;

    /// <summary>
    /// A URL the platform will call (a webhook, an agent's tool): absolute http(s) with a host and no user info, or
    /// null after adding the field's error. The scheme and address rules are the SSRF guard's, checked after.
    /// </summary>
    public static Uri? TargetUrl(Validation v, string field, string? raw)
    {
        if (!v.Required(field, raw, MaxUrlLength)) return null;
        if (!Uri.TryCreate(raw!.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || url.IdnHost.Length == 0)
        {
            v.Add(field, "must be an absolute https URL.");
            return null;
        }
        if (url.UserInfo.Length > 0)
        {
            v.Add(field, "must not carry a user name or password.");
            return null;
        }
        return url;
    }

    public static async Task<ValidWebhook> ValidateAsync(WebhookRequest r, SsrfGuard targets, CancellationToken ct)
    {
        var v = new Validation();
        var url = TargetUrl(v, "url", r.Url);
        if (r.Events is null || r.Events.Count == 0)
        {
            v.Add("events", $"must list at least one of: {string.Join(", ", EventTypes.Subscribable.Order(StringComparer.Ordinal))}.");
        }
        else
        {
            for (var i = 0; i < r.Events.Count; i++)
            {
                if (r.Events[i] is not { } type || !EventTypes.Subscribable.Contains(type))
                {
                    v.Add($"events[{i}]", $"must be one of: {string.Join(", ", EventTypes.Subscribable.Order(StringComparer.Ordinal))}.");
                }
            }
        }
        if (r.Secret is not null && (r.Secret.Length is < 16 or > 200 || r.Secret.Any(char.IsWhiteSpace)))
        {
            v.Add("secret", "must be 16 to 200 characters without spaces.");
        }
        // Resolving the host costs a DNS lookup: only for an otherwise valid URL.
        if (url is not null && await targets.RefusalAsync(url, ct) is { } refusal) v.Add("url", refusal);
        v.ThrowIfInvalid();
        return new ValidWebhook(url!.AbsoluteUri, r.Events!.Distinct(StringComparer.Ordinal).ToList(), r.Secret);
    }
}
