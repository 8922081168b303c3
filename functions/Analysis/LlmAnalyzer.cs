using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MongoDB.Bson;
using VoiceAgents.Core.Analysis;
using VoiceAgents.Core.Credentials;
using VoiceAgents.Core.Domain;

namespace VoiceAgents.Functions.Analysis;

/// <summary>
/// The analysis of a call by a language model, in one request: JSON-schema structured output on OpenAI and
/// OpenAI-compatible servers (<c>response_format: json_schema</c>), a forced tool call on Anthropic (<c>tool_choice</c>
/// of a <c>record_call_analysis</c> tool whose <c>input_schema</c> is the schema). The answer is checked against the
/// schema (<see cref="AnalysisSchema"/>); a mismatch is sent back with its errors once, and a second mismatch becomes
/// <see cref="CallAnalysis.Error"/>. A vendor that cannot be reached throws <see cref="AnalysisVendorException"/>.
/// </summary>
public sealed partial class LlmAnalyzer(
    IOptionsMonitor<AnalysisVendorOptions> vendors, IOptions<AnalysisOptions> options, TenantProviderKeys keys, IOptions<CredentialOptions> credentials,
    TimeProvider time, ILogger<LlmAnalyzer> log)
{
    public const string ToolName = "record_call_analysis";
    private const string AnthropicVersion = "2023-06-01";

    // Hand-made rather than through voice-host's providers: those stream a spoken reply; this is one JSON request.
    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Whether <paramref name="provider"/> is one this analyzer speaks to.</summary>
    public static bool Speaks(string provider) => provider is "openai" or "openai_compatible" or "anthropic";

    public async Task<CallAnalysis> AnalyzeAsync(
        string tenantId, string provider, string? model, AnalysisSettings settings, IReadOnlyList<TranscriptTurn> turns, CancellationToken ct)
    {
        var schema = new AnalysisSchema(settings);
        var vendor = await VendorAsync(tenantId, provider, ct);
        model ??= vendor.Model ?? throw new AnalysisVendorException($"No model for analysis by {provider}: set the agent's analysis.model.");
        var conversation = new Conversation(provider, Instructions(settings), Transcript(turns));
        string? problems = null;
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            var answer = await AskAsync(vendor, model, schema, conversation, ct);
            problems = schema.Problems(answer);
            if (problems is null) return FromAnswer(answer!.AsObject());
            LogMismatch(provider, attempt, problems);
            conversation.Correct(answer, problems);
        }
        return new CallAnalysis
        {
            Kind = CallAnalysisKinds.Llm,
            Error = $"The model's analysis did not match the schema after a retry: {problems}",
            AnalyzedAt = time.GetUtcNow().UtcDateTime,
        };
    }

    private CallAnalysis FromAnswer(JsonObject answer) => new()
    {
        Kind = CallAnalysisKinds.Llm,
        Summary = answer["summary"]?.GetValue<string>(),
        Data = answer["data"] is JsonObject data ? BsonDocument.Parse(data.ToJsonString()) : null,
        Success = answer["success"] is JsonObject s
            ? new CallSuccess { Verdict = s["verdict"]!.GetValue<bool>(), Reason = s["reason"]?.GetValue<string>() }
            : null,
        AnalyzedAt = time.GetUtcNow().UtcDateTime,
    };

    private sealed record Vendor(string Provider, string BaseUrl, string? ApiKey, string? Model);

    private async Task<Vendor> VendorAsync(string tenantId, string provider, CancellationToken ct)
    {
        var platform = vendors.Get(provider);
        var own = (await keys.LoadAsync(tenantId, [provider], ct)).GetValueOrDefault(provider);
        var baseUrl = own?.BaseUrl ?? platform.BaseUrl ?? provider switch
        {
            "openai" => "https://api.openai.com/v1",
            "anthropic" => "https://api.anthropic.com",
            _ => null,
        };
        // As for calls: the platform's key serves a tenant without its own only where the deployment allows it.
        var apiKey = own?.ApiKey ?? (credentials.Value.PlatformKeyAllowed(provider) ? platform.ApiKey : null);
        if (baseUrl is null || (apiKey is null && provider != "openai_compatible"))
        {
            throw new AnalysisVendorException($"Analysis by {provider} is not configured: neither the tenant nor the platform has its key.");
        }
        return new Vendor(provider, baseUrl.TrimEnd('/'), apiKey, platform.Model);
    }

    private async Task<JsonNode?> AskAsync(Vendor vendor, string model, AnalysisSchema schema, Conversation conversation, CancellationToken ct)
    {
        var anthropic = vendor.Provider == "anthropic";
        var body = anthropic ? conversation.AnthropicBody(model, schema, options.Value.MaxTokens) : conversation.OpenAiBody(model, schema);
        using var request = new HttpRequestMessage(HttpMethod.Post, vendor.BaseUrl + (anthropic ? "/v1/messages" : "/chat/completions"))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        if (anthropic)
        {
            request.Headers.Add("x-api-key", vendor.ApiKey);
            request.Headers.Add("anthropic-version", AnthropicVersion);
        }
        else if (vendor.ApiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", vendor.ApiKey);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Value.Timeout);
        string text;
        try
        {
            using var response = await _http.SendAsync(request, timeout.Token);
            text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode) throw new AnalysisVendorException($"{vendor.Provider} answered HTTP {(int)response.StatusCode}: {Shorten(text)}");
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new AnalysisVendorException($"{vendor.Provider} could not be reached: {e.Message}", e);
        }
        try
        {
            var reply = JsonNode.Parse(text);
            return anthropic ? conversation.FromAnthropic(reply) : conversation.FromOpenAi(reply);
        }
        catch (JsonException e)
        {
            throw new AnalysisVendorException($"{vendor.Provider} answered something that is not JSON: {Shorten(text)}", e);
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string Instructions(AnalysisSettings settings)
    {
        var s = new StringBuilder("You analyse the transcript of a phone call between a caller and a voice agent, and answer only through the given schema.");
        if (settings.Summary) s.Append("\nsummary: ").Append(settings.SummaryPrompt ?? "Summarise the call in two or three sentences: what the caller wanted and how it ended.");
        if (settings.DataSchemaJson is not null) s.Append("\ndata: fill each field from what was said; leave out a field the call did not give.");
        if (!string.IsNullOrWhiteSpace(settings.Success)) s.Append("\nsuccess: judge the call against these criteria and give a one-sentence reason: ").Append(settings.Success);
        return s.ToString();
    }

    private string Transcript(IReadOnlyList<TranscriptTurn> turns)
    {
        var s = new StringBuilder();
        foreach (var t in turns)
        {
            var who = t.Speaker switch { "user" => "Caller", "assistant" => "Agent", _ => $"Tool {t.Tool?.Name}".Trim() };
            s.Append(who).Append(": ").AppendLine(t.Text);
        }
        var max = options.Value.MaxTranscriptChars;
        if (s.Length <= max) return s.ToString();
        var text = s.ToString();
        return text[..(max / 2)] + "\n[…]\n" + text[^(max / 2)..];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analysis by {Provider} did not match its schema (attempt {Attempt}): {Problems}")]
    private partial void LogMismatch(string provider, int attempt, string problems);
}
