namespace VoiceAgents.Core.Domain;

/// <summary>A person or line <c>transfer_call</c> may hand a phone caller to.</summary>
public sealed class TransferDestination
{
    /// <summary>What the LLM names it by, unique within the agent.</summary>
    public required string Name { get; set; }
    /// <summary>E.164.</summary>
    public required string PhoneNumber { get; set; }
    public string? Description { get; set; }
    /// <summary>What the agent says before handing over (default "Transferring you now.").</summary>
    public string? Message { get; set; }
}
