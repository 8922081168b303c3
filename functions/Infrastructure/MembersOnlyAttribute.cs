namespace VoiceAgents.Functions.Infrastructure;

/// <summary>A function about the signed-in person (their profile, password, live updates): a member's token only, never an API key.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class MembersOnlyAttribute : Attribute;
