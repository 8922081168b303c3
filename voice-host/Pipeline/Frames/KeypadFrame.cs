namespace VoiceAgents.VoiceHost.Pipeline.Frames;

/// <summary>
/// The caller pressed a key on the phone's keypad (a DTMF tone: <c>0</c>-<c>9</c>, <c>*</c>, <c>#</c>). A system
/// frame, like the VAD's: it is caller input, so it arrives at once whatever reply is queued.
/// </summary>
public sealed record KeypadFrame(char Digit, DateTimeOffset At) : SystemFrame;
