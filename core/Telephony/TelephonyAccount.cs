namespace VoiceAgents.Core.Telephony;

/// <summary>
/// A Twilio account that calls are placed, redirected and verified on: the platform's (<see cref="TenantId"/> null),
/// or a tenant's own (sub)account from its stored <c>twilio</c> credential.
/// </summary>
/// <param name="FromNumber">The caller id of outbound calls on this account; null when none is set.</param>
public sealed record TelephonyAccount(string AccountSid, string AuthToken, string? FromNumber, string? TenantId)
{
    /// <summary>The auth token never reaches a log line by way of a record's generated ToString.</summary>
    public override string ToString() => $"TelephonyAccount {{ AccountSid = {AccountSid}, TenantId = {TenantId ?? "(platform)"} }}";
}
