namespace VoiceAgents.Functions.WebCalls;

public sealed record WebCallRequest(Dictionary<string, string>? Variables);

/// <summary>A single-use call token for one agent, and where to use it: send <c>{"type":"auth","token":…}</c> to <paramref name="WsUrl"/>.</summary>
public sealed record WebCallResponse(string Token, DateTime ExpiresAt, string WsUrl);
