using VoiceAgents.Core.Telephony;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools.Transfer;

/// <summary>
/// The built-in <c>transfer_call</c>, offered when the agent has transfer destinations. The redirect itself happens
/// when the call ends (<c>Calls/CallTransfers</c>), after the agent's hand-off line.
/// </summary>
public sealed class TransferCallSource(TelephonyAccounts accounts) : IToolSource
{
    public async Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct)
    {
        if (call.Agent.TransferDestinations.Count == 0) return CallToolSet.Empty;
        // Only a phone call has an account to be redirected on; the browser's answer is the tool's own error.
        var redirectable = call.ProviderCallId is not null && await accounts.ForCallAsync(call.TenantId, call.ProviderAccountId, ct) is not null;
        return new CallToolSet([new TransferCallTool(call.Agent.TransferDestinations, redirectable)]);
    }
}
