using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Tests.Providers;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>
/// OpenAI's embeddings API at a loopback (<c>POST /v1/embeddings</c>, the documented request and response shapes)
/// with a two-dimensional "meaning": texts that say parking or vehicle point one way, everything else the other.
/// </summary>
public sealed class EmbeddingsLoopback : IAsyncDisposable
{
    private WebApplication _app = default!;

    public Uri BaseUrl { get; private set; } = default!;

    /// <summary>Each request's inputs and Authorization header, in arrival order.</summary>
    public ConcurrentQueue<(string[] Inputs, string Authorization)> Requests { get; } = new();

    /// <summary>Answer 503 instead (the API is down).</summary>
    public bool Down { get; set; }

    public static async Task<EmbeddingsLoopback> StartAsync()
    {
        var server = new EmbeddingsLoopback();
        (server._app, var address) = await Loopback.StartAsync(app => app.MapPost("/v1/embeddings", server.HandleAsync));
        server.BaseUrl = new Uri(address, "/v1");
        return server;
    }

    public static float[] Meaning(string text) =>
        text.Contains("parking", StringComparison.OrdinalIgnoreCase) || text.Contains("vehicle", StringComparison.OrdinalIgnoreCase) ? [1f, 0f] : [0f, 1f];

    private async Task HandleAsync(HttpContext ctx)
    {
        var request = (await JsonNode.ParseAsync(ctx.Request.Body))!;
        var inputs = request["input"]!.AsArray().Select(i => i!.GetValue<string>()).ToArray();
        Requests.Enqueue((inputs, ctx.Request.Headers.Authorization.ToString()));
        if (Down)
        {
            ctx.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            @object = "list",
            data = inputs.Select((text, index) => new { @object = "embedding", index, embedding = Meaning(text) }),
            model = request["model"]!.GetValue<string>(),
            usage = new { prompt_tokens = 8, total_tokens = 8 },
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
