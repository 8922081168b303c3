using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Operator;

/// <summary>A number allocated to a tenant, and the tenant's agent that answers it (null until the tenant maps one).</summary>
public sealed record AllocatedNumberResponse(string PhoneNumber, string TenantId, string? AgentId, DateTime AllocatedAt)
{
    public static AllocatedNumberResponse From(InboundNumber n) => new(n.PhoneNumber, n.TenantId, n.AgentId, n.CreatedAt);
}

/// <summary>A tenant's limits. Null takes the platform's default (<c>CallSlots__TenantMaxConcurrentCalls</c>, <c>Dialer__TenantCallsPerSecond</c>).</summary>
public sealed record TenantLimitsRequest(int? MaxConcurrentCalls, double? CallsPerSecond);

/// <summary>A tenant's limits as stored (null: the default) and as they apply now.</summary>
public sealed record TenantLimitsResponse(string TenantId, int? MaxConcurrentCalls, double? CallsPerSecond, int EffectiveMaxConcurrentCalls, double EffectiveCallsPerSecond);
