using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers.VendorServers;
using VoiceAgents.Tests.Providers;
using VoiceAgents.VoiceHost.Calls;

namespace VoiceAgents.Tests.Limits;

/// <summary>
/// The API and a voice-host handing calls to post-call processing, with limits a test can reach: at most
/// <see cref="InstanceLimit"/> calls on the instance, small pipeline queues, and a minute of audio burst (so a test
/// can fill the queues faster than real time). Deepgram and Anthropic are loopback servers a test scripts.
/// </summary>
public sealed class LimitsFixture : IAsyncLifetime
{
    public const int InstanceLimit = 12;
    public const int AudioQueue = 20;

    public ApiFixture Api { get; } = new();
    public VoiceHostInstance Voice { get; private set; } = default!;
    public DeepgramLoopback Deepgram { get; private set; } = default!;
    public LoopbackServer Anthropic { get; private set; } = default!;

    /// <summary>What the Anthropic loopback answers; a test sets it before its call.</summary>
    public Func<HttpContext, Task> AnthropicScript { get; set; } = c => AnthropicWire.ReplyAsync(c, ["Hello there."]);

    public string SpoolFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        Deepgram = await DeepgramLoopback.StartAsync();
        Anthropic = await LoopbackServer.StartAsync(c => AnthropicScript(c));
        await Api.InitializeAsync();
        var settings = PostCallFixture.VoiceSettings(Api, SpoolFolder);
        settings["Voice:MaxConcurrentCalls"] = InstanceLimit.ToString();
        settings["Voice:PipelineAudioQueue"] = AudioQueue.ToString();
        settings["Voice:AudioBurst"] = "00:01:00";
        settings["Providers:Deepgram:ApiKey"] = DeepgramLoopback.ApiKey;
        settings["Providers:Deepgram:BaseUrl"] = Deepgram.BaseUrl.ToString();
        settings["Providers:Deepgram:ConnectTimeout"] = "00:01:00";
        settings["Providers:Anthropic:ApiKey"] = "sk-ant-test";
        settings["Providers:Anthropic:BaseUrl"] = Anthropic.BaseUri.ToString().TrimEnd('/');
        settings["Providers:Resilience:AttemptTimeout"] = "00:01:00";
        settings["Providers:Resilience:RetryDelay"] = "00:00:00.010";
        Voice = await VoiceHostInstance.StartAsync(settings);
    }

    public ActiveCalls Calls => Voice.Services.GetRequiredService<ActiveCalls>();

    /// <summary>An agent with no first message (its calls stay quiet until the caller speaks), the local voice, and these LLM and STT.</summary>
    public static async Task<string> AgentAsync(TenantSession tenant, object? llm = null, object? stt = null)
    {
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Limits",
            llm = llm ?? new { provider = "rules" },
            stt = stt ?? new { provider = "local" },
            tts = new { provider = "local", voice = "slt" },
        })), 201);
        return agent["id"]!.GetValue<string>();
    }

    /// <summary>Waits until no call is live on the instance (ended and handed off), so a test starts from zero.</summary>
    public Task NoCallsLiveAsync() => Eventually.Assert(() => Assert.Equal(0, Calls.Count), TimeSpan.FromSeconds(30));

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await Anthropic.DisposeAsync();
        await Deepgram.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class LimitsCollection : ICollectionFixture<LimitsFixture>
{
    public const string Name = "limits";
}
