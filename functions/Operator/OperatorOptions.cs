namespace VoiceAgents.Functions.Operator;

/// <summary>
/// The operator's credential (section <c>Operator</c>, so <c>Operator__ApiKey</c>; a Key Vault secret in Azure).
/// Whoever holds it runs the platform: allocates phone numbers to tenants and sets their limits.
/// </summary>
public sealed class OperatorOptions
{
    public const string Section = "Operator";
    public const int MinKeyLength = 32;

    /// <summary>At least <see cref="MinKeyLength"/> characters; unset (or empty) turns the operator's routes off.</summary>
    public string? ApiKey { get; set; }
}
