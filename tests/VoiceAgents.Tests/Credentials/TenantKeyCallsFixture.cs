using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;
using VoiceAgents.Tests.Providers.VendorServers;

namespace VoiceAgents.Tests.Credentials;

/// <summary>
/// The API and a voice-host whose platform OpenAI key is <see cref="PlatformKey"/>, at a loopback that answers every
/// reply with the last four characters of the key it was called with, once <see cref="Expected"/> replies are waiting
/// together. Anthropic's platform key is closed to tenants.
/// </summary>
public sealed class TenantKeyCallsFixture : IAsyncLifetime
{
    public const string PlatformKey = "sk-platform-key-0000";

    public ApiFixture Api { get; } = new();
    public HttpLoopback OpenAi { get; private set; } = default!;
    public VoiceHostInstance Voice { get; private set; } = default!;

    /// <summary>How many chat requests the loopback holds until all have arrived, so they are served at the same time.</summary>
    public int Expected { get; set; } = 1;

    /// <summary>The Authorization header of every chat request, in arrival order.</summary>
    public ConcurrentQueue<string> ChatAuthorizations { get; } = new();

    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task InitializeAsync()
    {
        OpenAi = await HttpLoopback.StartAsync();
        OpenAi.Respond = ReplyAsync;
        await Api.InitializeAsync();
        var settings = PostCallFixture.VoiceSettings(Api, Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N")));
        settings["Voice:CallSink"] = "local";
        settings["Voice:CallsFolder"] = Path.Combine(Path.GetTempPath(), "voiceagents-test-calls", Guid.NewGuid().ToString("N"));
        settings["Providers:OpenAI:ApiKey"] = PlatformKey;
        settings["Providers:OpenAI:BaseUrl"] = OpenAi.BaseUrl.ToString().TrimEnd('/') + "/v1";
        settings["Providers:OpenAI:EndCallTool"] = "false";
        settings["Credentials:AllowPlatformKey:anthropic"] = "false";
        Voice = await VoiceHostInstance.StartAsync(settings);
    }

    private async Task ReplyAsync(HttpContext ctx)
    {
        if (!ctx.Request.Path.Value!.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            ctx.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var authorization = ctx.Request.Headers.Authorization.ToString();
        ChatAuthorizations.Enqueue(authorization);
        if (ChatAuthorizations.Count >= Expected) _allArrived.TrySetResult();
        await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(60), ctx.RequestAborted);
        Wire.StartSse(ctx);
        await Wire.EventAsync(ctx, OpenAiWire.Chunk(role: "assistant", content: $"Answered on key {authorization[^4..]}."));
        await Wire.EventAsync(ctx, OpenAiWire.Chunk(finishReason: "stop"));
        await Wire.EventAsync(ctx, "[DONE]");
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
