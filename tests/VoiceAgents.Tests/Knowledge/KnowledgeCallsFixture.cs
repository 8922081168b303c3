using Microsoft.AspNetCore.Http;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.Tests.Providers;
using VoiceAgents.Tests.Providers.VendorServers;

namespace VoiceAgents.Tests.Knowledge;

/// <summary>
/// The API and a voice-host whose platform OpenAI key reaches a loopback chat-completions server; each test sets
/// <see cref="Reply"/>, what the n-th chat request (from 1) is answered with.
/// </summary>
public sealed class KnowledgeCallsFixture : IAsyncLifetime
{
    public ApiFixture Api { get; } = new();
    public HttpLoopback OpenAi { get; private set; } = default!;
    public VoiceHostInstance Voice { get; private set; } = default!;
    public string CallsFolder { get; } = Path.Combine(Path.GetTempPath(), "voiceagents-test-calls", Guid.NewGuid().ToString("N"));

    public Func<int, HttpContext, Task> Reply { get; set; } = (_, ctx) => OpenAiWire.ReplyAsync(ctx, ["Hello."]);

    /// <summary>The chat requests so far, as JSON.</summary>
    public IReadOnlyList<Providers.RecordedRequest> ChatRequests => OpenAi.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();

    public async Task InitializeAsync()
    {
        OpenAi = await HttpLoopback.StartAsync();
        OpenAi.Respond = ctx => Reply(ChatRequests.Count, ctx);
        await Api.InitializeAsync();
        var settings = PostCallFixture.VoiceSettings(Api, Path.Combine(Path.GetTempPath(), "voiceagents-test-spool", Guid.NewGuid().ToString("N")));
        settings["Voice:CallSink"] = "local";
        settings["Voice:CallsFolder"] = CallsFolder;
        settings["Providers:OpenAI:ApiKey"] = "sk-platform-key-0000";
        settings["Providers:OpenAI:BaseUrl"] = OpenAi.BaseUrl.ToString().TrimEnd('/') + "/v1";
        settings["Providers:OpenAI:EndCallTool"] = "false";
        Voice = await VoiceHostInstance.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await Voice.DisposeAsync();
        await Api.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}
