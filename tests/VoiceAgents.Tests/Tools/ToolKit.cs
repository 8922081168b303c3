using System.Runtime.CompilerServices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Domain;
using VoiceAgents.VoiceHost.Pipeline;
using VoiceAgents.VoiceHost.Processors;
using VoiceAgents.VoiceHost.Providers;
using VoiceAgents.VoiceHost.Tools;
using VoiceAgents.VoiceHost.Tools.Http;

namespace VoiceAgents.Tests.Tools;

/// <summary>What the tool tests share: voice-host's tool services (private targets allowed, as ./run.sh does), agents with HTTP tools, and a scripted model.</summary>
public static class ToolKit
{
    public const string Secret = "whsec_tool-secret-0123456789";

    /// <summary>The arguments' JSON Schema of the tests' HTTP tools: a party of any size.</summary>
    public const string PartySchema = """{"type":"object","properties":{"party":{"type":"string"}}}""";

    public static ServiceProvider Services(bool allowPrivateTargets = true) =>
        new ServiceCollection()
            .AddLogging()
            .AddTools(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Tools:AllowPrivateTargets"] = allowPrivateTargets ? "true" : "false" }).Build())
            .BuildServiceProvider();

    /// <summary>How CallFactory gathers a call's tools: from every registered source.</summary>
    public static Func<CancellationToken, Task<IToolBox>> Gather(ServiceProvider services, CallContext call) =>
        async ct => await CallTools.CollectAsync(call, services.GetServices<IToolSource>(), ct);

    public static AgentTool Http(string name, Uri url, int timeoutMs = 5000, string? speakWhileRunning = null, bool cancelOnBargeIn = false) => new()
    {
        Type = AgentToolTypes.Http,
        Name = name,
        Description = $"The {name} tool.",
        ParametersJson = PartySchema,
        Url = url.ToString(),
        TimeoutMs = timeoutMs,
        SpeakWhileRunning = speakWhileRunning,
        CancelOnBargeIn = cancelOnBargeIn,
        Secret = Secret,
    };

    public static Agent Agent(params AgentTool[] tools) =>
        new() { Id = "a", TenantId = "t", UserId = "u", Name = "Test", SystemPrompt = "", Tools = [.. tools] };

    /// <summary>A model that answers each request with the next script in line (the last one repeats), recording what it was asked.</summary>
    public sealed class ScriptedLlm(params LlmDelta[][] scripts) : ILlmProvider
    {
        private int _next;
        public List<LlmRequest> Requests { get; } = [];
        public string Name => "scripted";

        public async IAsyncEnumerable<LlmDelta> StreamAsync(LlmRequest request, [EnumeratorCancellation] CancellationToken ct)
        {
            LlmDelta[] script;
            lock (Requests)
            {
                Requests.Add(request);
                script = scripts[Math.Min(_next++, scripts.Length - 1)];
            }
            foreach (var d in script)
            {
                await Task.Yield();
                ct.ThrowIfCancellationRequested();
                yield return d;
            }
        }
    }

    public static LlmDelta Call(string id, string name, string arguments = "{}") => new("") { ToolCall = new ToolCallRequest(id, name, arguments) };
}
