using Microsoft.Extensions.Options;
using VoiceAgents.Core.Telephony;
using VoiceAgents.VoiceHost.Processors;

namespace VoiceAgents.VoiceHost.Tools.Transfer;

/// <summary>
/// The built-in <c>transfer_call</c>, offered when the agent has transfer destinations. The redirect itself happens
/// when the call ends (<c>Calls/CallTransfers</c>), after the agent's hand-off line.
/// </summary>
public sealed class TransferCallSource(IOptions<TwilioOptions> twilio) : IToolSource
{
    public Task<CallToolSet> ToolsForAsync(CallContext call, CancellationToken ct) =>
        Task.FromResult(call.Agent.TransferDestinations.Count == 0
            ? CallToolSet.Empty
            : new CallToolSet([new TransferCallTool(call.Agent.TransferDestinations, twilio.Value.Configured)]));
}
