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

    public static async Task<ValidWebhook> ValidateAsync(WebhookRequest r, SsrfGuard targets, CancellationToken ct)
    {
        var v = new Validation();
        Uri? url = null;
        if (v.Required("url", r.Url, MaxUrlLength))
        {
            if (!Uri.TryCreate(r.Url!.Trim(), UriKind.Absolute, out url) || url.Scheme is not ("http" or "https") || url.IdnHost.Length == 0)
            {
                v.Add("url", "must be an absolute https URL.");
                url = null;
            }
            else if (url.UserInfo.Length > 0)
            {
                v.Add("url", "must not carry a user name or password.");
                url = null;
            }
        }
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
