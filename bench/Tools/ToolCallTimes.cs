namespace VoiceAgents.Bench.Tools;

/// <summary>
/// The moments of one tool call, as <see cref="System.Diagnostics.Stopwatch"/> timestamps (0 until reached): the
/// model's complete call, the request handed to the socket handler, the request at the tool server, the answer's
/// headers back at the client, and the model asked again.
/// </summary>
public sealed class ToolCallTimes(int call, int turn)
{
    public int Call { get; } = call;
    public int Turn { get; } = turn;
    public long Called;
    public long Sent;
    public long Arrived;
    public long Answered;
    public long AskedAgain;

    public bool Complete => Called > 0 && Sent > 0 && Arrived > 0 && Answered > 0 && AskedAgain > 0;
}
