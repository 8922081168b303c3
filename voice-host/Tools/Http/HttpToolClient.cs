using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Net;

namespace VoiceAgents.VoiceHost.Tools.Http;

/// <summary>
/// Sends an HTTP tool's calls: <c>{"tool", "arguments", "call": {"id", "agent_id", "campaign_id", "phone_number"},
/// "variables"}</c> to the tool's URL with its method, signed as webhooks are (<see cref="WebhookSignature"/>, with
/// the tool's secret), within the tool's <c>timeout_ms</c>, through a client that connects only to addresses the
/// <see cref="SsrfGuard"/> vetted and follows no redirects. A 2xx JSON answer of at most
/// <see cref="AgentToolTypes.MaxResultBytes"/> is the result; anything else is an error the agent can speak about.
/// </summary>
public sealed class HttpToolClient(IHttpClientFactory http, SsrfGuard targets)
{
    public const string ClientName = "tools";
    public const string UserAgent = "VoiceAgents-Tools/1";

    public async Task<ToolResult> SendAsync(AgentTool tool, ToolInvocation invocation, CancellationToken ct)
    {
        if (!Uri.TryCreate(tool.Url, UriKind.Absolute, out var url)) return ToolResult.Failed("The tool's URL is not valid.");
        if (targets.SchemeRefusal(url) is { } refusal) return ToolResult.Failed($"The tool's URL {refusal}");
        JsonNode? arguments;
        try
        {
            arguments = string.IsNullOrWhiteSpace(invocation.ArgumentsJson) ? new JsonObject() : JsonNode.Parse(invocation.ArgumentsJson);
        }
        catch (JsonException)
        {
            return ToolResult.Failed("The arguments are not valid JSON.");
        }
        var call = invocation.Call;
        var body = JsonSerializer.SerializeToUtf8Bytes(new JsonObject
        {
            ["tool"] = tool.Name,
            ["arguments"] = arguments,
            ["call"] = new JsonObject
            {
                ["id"] = call.CallId,
                ["agent_id"] = call.Agent.Id,
                ["campaign_id"] = call.CampaignId,
                ["phone_number"] = call.PhoneNumber,
            },
            ["variables"] = new JsonObject(call.Variables.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
        });

        using var request = new HttpRequestMessage(new HttpMethod(string.IsNullOrWhiteSpace(tool.Method) ? "POST" : tool.Method.ToUpperInvariant()), url)
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd(UserAgent);
        request.Headers.Add("X-Tool-Call-Id", invocation.CallId);
        if (!string.IsNullOrEmpty(tool.Secret)) request.Headers.Add(WebhookSignature.Header, WebhookSignature.Sign(tool.Secret, call.Time.GetUtcNow(), body));

        var timeoutMs = Math.Clamp(tool.TimeoutMs <= 0 ? AgentToolTypes.DefaultTimeoutMs : tool.TimeoutMs, 1, AgentToolTypes.MaxTimeoutMs);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(timeoutMs), call.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, deadline.Token);
        try
        {
            using var response = await http.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var code = (int)response.StatusCode;
            if (code is < 200 or >= 300) return ToolResult.Failed($"The tool answered HTTP {code}.");
            if (response.Content.Headers.ContentLength > AgentToolTypes.MaxResultBytes) return TooLarge();
            var answer = await ReadCappedAsync(response.Content, linked.Token);
            if (answer is null) return TooLarge();
            try
            {
                using var doc = JsonDocument.Parse(answer);
                return new ToolResult(doc.RootElement.Clone());
            }
            catch (JsonException)
            {
                return ToolResult.Failed("The tool's answer is not JSON.");
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return ToolResult.Failed($"The tool did not answer within {timeoutMs} ms.");
        }
        catch (HttpRequestException e) when (Find<TargetRefusedException>(e) is { } refused)
        {
            return ToolResult.Failed($"The tool's URL was refused: {refused.Message}");
        }
        catch (HttpRequestException e)
        {
            return ToolResult.Failed($"The tool could not be reached ({e.HttpRequestError}).");
        }
    }

    private static ToolResult TooLarge() => ToolResult.Failed($"The tool's answer is larger than {AgentToolTypes.MaxResultBytes} bytes.");

    /// <summary>The body, or null when it is longer than the cap (read no further than one byte past it).</summary>
    private static async Task<byte[]?> ReadCappedAsync(HttpContent content, CancellationToken ct)
    {
        await using var stream = await content.ReadAsStreamAsync(ct);
        var buffer = new byte[AgentToolTypes.MaxResultBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
        return length > AgentToolTypes.MaxResultBytes ? null : buffer[..length];
    }

    private static T? Find<T>(Exception? e) where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }
}
