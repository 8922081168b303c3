namespace VoiceAgents.VoiceHost.Providers;

/// <summary>
/// The tokens one LLM request used, as the vendor reported them (OpenAI's final <c>usage</c> chunk, Anthropic's
/// <c>message_start</c> and <c>message_delta</c>), or as estimated when <paramref name="Estimated"/>.
/// </summary>
public sealed record LlmUsage(string Provider, long InputTokens, long OutputTokens, bool Estimated = false)
{
    /// <summary>
    /// The common rule of thumb for English text, about four characters a token (OpenAI's own guidance), for a
    /// responder with no tokenizer: an estimate, labelled as one wherever it is shown.
    /// </summary>
    public static long EstimateTokens(int characters) => (characters + 3) / 4;
}
