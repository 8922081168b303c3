namespace VoiceAgents.Core.Credentials;

/// <summary>A tenant's opened key for one provider, as a call uses it; never stored or logged.</summary>
public sealed record ProviderKey(string Provider, string ApiKey, string? BaseUrl, string? AccountSid, string? FromNumber = null)
{
    public override string ToString() => $"ProviderKey {{ Provider = {Provider} }}";
}
