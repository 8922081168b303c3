using VoiceAgents.Core.Telephony;

namespace VoiceAgents.Functions.Dialer;

/// <summary>An outbound call to place: on which account, who to call, from which number, and where the provider asks what to do.</summary>
/// <param name="AnswerUrl">The webhook the provider fetches when the callee answers (it returns the stream instructions).</param>
/// <param name="StatusCallbackUrl">The webhook the provider reports call progress to.</param>
/// <param name="MachineDetection">Whether the provider should detect answering machines (and report who answered).</param>
/// <param name="WaitForBeep">With machine detection: wait for the greeting's end, so a voicemail can be left.</param>
public sealed record OutboundCall(TelephonyAccount Account, string To, string From, Uri AnswerUrl, Uri StatusCallbackUrl, bool MachineDetection, bool WaitForBeep = false);

/// <summary>
/// A telephony provider (Twilio today; Plivo and others later): places calls and authenticates its webhooks. The
/// dialer and the webhook endpoints know only this interface.
/// </summary>
public interface ITelephonyProvider
{
    /// <summary>The provider's name, as it appears in call records (<c>twilio</c>).</summary>
    string Name { get; }

    /// <summary>Whether the provider's webhooks can reach the app (its public URLs are set); the dialer dials nothing until they can.</summary>
    bool CanPlaceCalls { get; }

    /// <summary>Asks the provider to place the call and returns the provider's id for it (Twilio's CallSid).</summary>
    Task<string> PlaceCallAsync(OutboundCall call, CancellationToken ct);

    /// <summary>Whether a webhook request really comes from the provider's <paramref name="account"/>: its signature over the URL and form fields.</summary>
    bool ValidateCallback(TelephonyAccount account, string url, IReadOnlyDictionary<string, string> form, string? signature);
}

/// <summary>The provider refused to place a call (a bad number, a suspended account, an outage).</summary>
public sealed class TelephonyException(string message, Exception? inner = null) : Exception(message, inner);
