namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// The scope an API key needs for a function, where the default does not fit: a GET needs <c>read</c>, anything else
/// <c>write</c>, and admin-only functions take no API key at all unless they carry this attribute.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ApiKeyScopeAttribute(string scope) : Attribute
{
    public string Scope { get; } = scope;
}
