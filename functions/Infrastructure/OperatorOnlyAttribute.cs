namespace VoiceAgents.Functions.Infrastructure;

/// <summary>
/// A function only the operator may call, with <c>Authorization: Bearer &lt;Operator:ApiKey&gt;</c>. Members' tokens
/// are never accepted there; with no operator key configured the route answers 404, as if it did not exist.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class OperatorOnlyAttribute : Attribute;
