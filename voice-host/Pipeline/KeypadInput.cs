namespace VoiceAgents.VoiceHost.Pipeline;

/// <summary>
/// Keypad digits as the conversation carries them: a user message <c>[keypad] 123</c>, which a language model reads
/// as what it is and the rules responder matches against a rule's <c>dtmf</c>.
/// </summary>
public static class KeypadInput
{
    public const string Prefix = "[keypad] ";

    /// <summary>The keys a phone's keypad sends.</summary>
    public static bool IsDigit(char c) => c is >= '0' and <= '9' or '*' or '#';

    /// <summary>The user message for <paramref name="digits"/> pressed in a row.</summary>
    public static string Message(string digits) => Prefix + digits;

    /// <summary>The digits of a keypad message; false for anything the caller said.</summary>
    public static bool TryRead(string? message, out string digits)
    {
        digits = "";
        if (message is null || !message.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = message[Prefix.Length..];
        if (rest.Length == 0 || !rest.All(IsDigit)) return false;
        digits = rest;
        return true;
    }
}
