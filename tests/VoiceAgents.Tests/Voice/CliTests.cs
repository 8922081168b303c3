using VoiceAgents.Cli;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using Xunit.Abstractions;

namespace VoiceAgents.Tests.Voice;

/// <summary><c>VoiceAgents.Cli call</c>, run in-process against the API and voice-host as a user runs it from a shell.</summary>
[Collection(VoiceCollection.Name)]
public sealed class CliTests(VoiceFixture voice, ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("va-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<(TenantSession Tenant, string AgentId)> BookerAsync()
    {
        var tenant = await voice.Api.SignupAsync("cli");
        using var client = tenant.Client();
        var agent = await TenantSession.Read(await client.PostAsync("agents", ApiFixture.Json(new
        {
            name = "Booker",
            language = "en-US",
            llm = new { provider = "rules" },
            stt = new { provider = "local", language = "en-US" },
            tts = new { provider = "local", voice = "slt" },
            rules = new[] { new { match = "book table", reply = "Certainly. For what time would you like the table?", hang_up = false } },
        })), 201);
        return (tenant, agent["id"]!.GetValue<string>());
    }

    private async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CallCommand.RunAsync(args, output, error).WaitAsync(TimeSpan.FromSeconds(90));
        log.WriteLine($"exit {code}\n{output}{error}");
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Call_saves_the_spoken_reply_and_prints_transcript_and_metrics()
    {
        var (tenant, agentId) = await BookerAsync();
        var wav = Path.Combine(_folder, "caller.wav");
        await File.WriteAllBytesAsync(wav, await VoiceFixture.SpeakAsync("I would like to book a table for two."));
        var reply = Path.Combine(_folder, "out", "reply.wav");

        var (code, output, error) = await RunAsync(
            "--agent", agentId, "--wav", wav, "--out", reply,
            "--api", voice.Api.BaseAddress.ToString(), "--ws", voice.WebSocketUri.ToString(),
            "--email", tenant.Email, "--password", tenant.Password, "--silence-after", "8");

        Assert.True(code == 0 && output.Contains("assistant: Certainly.", StringComparison.Ordinal), $"exit {code}\n{output}\n{error}");
        Assert.Contains("user: i would like to book a table for two", output);
        Assert.Contains("assistant: Certainly.", output);
        Assert.Contains("assistant: For what time would you like the table?", output);
        Assert.Matches(@"metrics, turn 1: voice-to-voice \d+(\.\d)? ms", output);
        Assert.Contains("call ended: caller_ended", output);

        var (samples, rate) = Wav.Read(await File.ReadAllBytesAsync(reply));
        Assert.Equal(16000, rate);
        var seconds = samples.Length / (double)rate;
        Assert.True(seconds is > 2.0 and < 6.0, $"reply audio lasts {seconds:F2} s");
        Assert.True(new AudioChunk(samples, rate).Rms() > 0.02, "the reply audio is silent");
    }

    [Fact]
    public async Task Wrong_password_exits_3_with_the_APIs_message()
    {
        var (tenant, agentId) = await BookerAsync();
        var wav = Path.Combine(_folder, "caller.wav");
        await File.WriteAllBytesAsync(wav, await VoiceFixture.SpeakAsync("Hello."));

        var (code, _, error) = await RunAsync(
            "--agent", agentId, "--wav", wav, "--out", Path.Combine(_folder, "reply.wav"),
            "--api", voice.Api.BaseAddress.ToString(), "--ws", voice.WebSocketUri.ToString(),
            "--email", tenant.Email, "--password", "not-the-password");

        Assert.Equal(CallCommand.AuthRefused, code);
        Assert.Contains("login failed (401)", error);
        Assert.False(File.Exists(Path.Combine(_folder, "reply.wav")));
    }

    [Fact]
    public async Task Another_tenants_agent_exits_4_with_the_close_reason()
    {
        var (_, agentOfA) = await BookerAsync();
        var b = await voice.Api.SignupAsync("cli-b");
        var wav = Path.Combine(_folder, "caller.wav");
        await File.WriteAllBytesAsync(wav, await VoiceFixture.SpeakAsync("Hello."));

        var (code, _, error) = await RunAsync(
            "--agent", agentOfA, "--wav", wav, "--out", Path.Combine(_folder, "reply.wav"),
            "--ws", voice.WebSocketUri.ToString(), "--token", b.AccessToken);

        Assert.Equal(CallCommand.AgentNotFound, code);
        Assert.Contains("(4403): agent not found for this tenant", error);
    }

    [Fact]
    public async Task Missing_arguments_exit_2_with_usage_hint()
    {
        var (code, _, error) = await RunAsync("--agent", "0123456789abcdef01234567");

        Assert.Equal(CallCommand.BadArguments, code);
        Assert.Contains("--agent, --wav and --out are required", error);
    }
}
