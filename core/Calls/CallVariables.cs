namespace VoiceAgents.Core.Calls;

/// <summary>
/// A call's variables: string values the Liquid templates of its agent see. The limits hold wherever they come from
/// (a campaign contact, an inbound number, the <c>/ws</c> auth message).
/// </summary>
public static class CallVariables
{
    public const int MaxKeys = 50;
    /// <summary>The most UTF-8 bytes of one key or one value.</summary>
    public const int MaxBytes = 1024;

    /// <summary>Why the variables break the limits, or null when they are fine.</summary>
    public static string? Problem(IReadOnlyDictionary<string, string>? variables)
    {
        if (variables is null) return null;
        if (variables.Count > MaxKeys) return $"at most {MaxKeys} variables are allowed (got {variables.Count})";
        foreach (var (key, value) in variables)
        {
            if (string.IsNullOrWhiteSpace(key)) return "variable names must not be empty";
            if (System.Text.Encoding.UTF8.GetByteCount(key) > MaxBytes) return $"variable name '{key[..Math.Min(key.Length, 40)]}…' is longer than {MaxBytes} bytes";
            if (value is null) return $"variable '{key}' must be a string";
            if (System.Text.Encoding.UTF8.GetByteCount(value) > MaxBytes) return $"variable '{key}' is longer than {MaxBytes} bytes";
        }
        return null;
    }

    /// <summary>The later sources win: for example an inbound number's, then the auth message's.</summary>
    public static Dictionary<string, string> Merge(params IReadOnlyDictionary<string, string>?[] sources)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            if (source is null) continue;
            foreach (var (k, v) in source) merged[k] = v;
        }
        return merged;
    }
}
