using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VoiceAgents.Core.Data;
using VoiceAgents.Core.Domain;
using VoiceAgents.Core.Json;
using VoiceAgents.Core.Queues;
using VoiceAgents.Core.Storage;
using VoiceAgents.Tests.Infrastructure;
using VoiceAgents.VoiceHost.Audio;
using VoiceAgents.VoiceHost.Calls;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.PostCall;

/// <summary>Calls that end on voice-host reach the call logs, transcripts, recordings and analytics through S3 and the queue.</summary>
[Collection(PostCallCollection.Name)]
public sealed class CallStorageTests(PostCallFixture fixture)
{
    private static readonly TimeSpan Stored = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Call_through_voice_host_is_stored_with_its_recording_transcript_and_analytics()
    {
        var tenant = await fixture.Api.SignupAsync("postcall");
        var agentId = await CreateAgentAsync(tenant);
        var campaignId = (await tenant.CreateCampaignAsync(agentId))["id"]!.GetValue<string>();

        var callId = await MakeSpokenCallAsync(fixture.Voice, tenant, agentId, "I would like to book a table for two.", "+14155550123", campaignId);

        // The call log: listed for its campaign, with the call's metadata, turn metrics and a recording URL.
        var log = await WaitForCallLogAsync(tenant, callId, Stored);
        var listed = (await GetAsync(tenant, $"call-logs?campaign_id={campaignId}"))["items"]!.AsArray();
        Assert.Equal(callId, Assert.Single(listed)!["id"]!.GetValue<string>());
        Assert.Equal((agentId, campaignId, "+14155550123", "completed", "caller_ended"), (
            log["agent_id"]!.GetValue<string>(), log["campaign_id"]!.GetValue<string>(), log["phone_number"]!.GetValue<string>(),
            log["status"]!.GetValue<string>(), log["end_reason"]!.GetValue<string>()));
        var duration = log["duration_seconds"]!.GetValue<double>();
        Assert.True(duration is > 5 and < 60, $"duration {duration}");
        var turn = Assert.Single(log["turns"]!.AsArray())!;
        Assert.True(turn["voice_to_voice_ms"]!.GetValue<double>() > 0);

        // The recording: a stereo 16 kHz WAV as long as the call, under recordings/{tenant_id}/{campaign_id}/{call_id}.wav.
        var url = log["recording_url"]!.GetValue<string>();
        Assert.Contains($"/recordings/{tenant.TenantId}/{campaignId}/{callId}.wav", url, StringComparison.Ordinal);
        using var http = new HttpClient();
        var wav = await http.GetByteArrayAsync(url);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(wav.AsSpan(22)));
        Assert.Equal(16000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        var seconds = (wav.Length - 44) / (16000.0 * 4);
        Assert.True(Math.Abs(seconds - duration) < 2, $"the recording lasts {seconds:F1} s, the call {duration:F1} s");

        // The transcript: in the API and as JSON in S3.
        var transcript = await GetAsync(tenant, $"transcripts/{callId}");
        var turns = transcript["turns"]!.AsArray();
        Assert.Contains(turns, t => t!["speaker"]!.GetValue<string>() == "user" && t["text"]!.GetValue<string>() == "i would like to book a table for two");
        Assert.Contains(turns, t => t!["speaker"]!.GetValue<string>() == "assistant" && t["text"]!.GetValue<string>().StartsWith("Certainly", StringComparison.Ordinal));
        var file = await ReadJsonAsync<TranscriptFile>(ObjectKeys.Transcript(tenant.TenantId, campaignId, callId));
        Assert.Equal((callId, tenant.TenantId, turns.Count), (file.CallId, file.TenantId, file.Turns.Count));

        // Analytics: the tenant, the agent and the campaign each count the call once, on the day it ended.
        var day = log["ended_at"]!.GetValue<DateTime>().ToUniversalTime().ToString("yyyy-MM-dd");
        // From the daily aggregates (whole days, one scope), and from the call logs (an agent within a campaign).
        foreach (var query in new[] { "", $"agent_id={agentId}", $"campaign_id={campaignId}", $"from={day}", $"agent_id={agentId}&campaign_id={campaignId}" })
        {
            var analytics = await GetAsync(tenant, $"analytics?{query}");
            Assert.Equal(1, analytics["totals"]!["calls"]!.GetValue<long>());
            Assert.Equal(1, analytics["totals"]!["completed"]!.GetValue<long>());
            Assert.Equal(day, Assert.Single(analytics["calls_per_day"]!.AsArray())!["date"]!.GetValue<string>());
            Assert.Equal(duration, analytics["duration_seconds"]!["p50"]!.GetValue<double>());
            Assert.Equal(log["avg_voice_to_voice_ms"]!.GetValue<double>(), analytics["avg_voice_to_voice_ms"]!.GetValue<double>(), 3);
        }
        await Eventually.Assert(async () => Assert.Equal(0, await fixture.Voice.SpooledCallsAsync()), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Calls_ending_at_once_are_each_transcribed_and_stored()
    {
        var tenant = await fixture.Api.SignupAsync("postcall-concurrent");
        var agentId = await CreateAgentAsync(tenant);
        var (samples, rate) = Wav.Read(await VoiceFixture.SpeakAsync("I would like to book a table for two."));

        var callIds = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            var (caller, callId) = await StartCallAsync(fixture.Voice, tenant, agentId, rate);
            await using (caller)
            {
                await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(300), rate);
                await caller.StreamAsync(samples, rate);
                var streaming = caller.StreamSilenceAsync(TimeSpan.FromSeconds(3), rate);
                await caller.WaitForAsync("transcript", TimeSpan.FromSeconds(30), e => e["role"]!.GetValue<string>() == "assistant");
                await streaming;
                await EndCallAsync(caller);
            }
            return callId;
        }));

        foreach (var callId in callIds)
        {
            await WaitForCallLogAsync(tenant, callId, Stored);
            var turns = (await GetAsync(tenant, $"transcripts/{callId}"))["turns"]!.AsArray();
            Assert.Contains(turns, t => t!["speaker"]!.GetValue<string>() == "user" && t["text"]!.GetValue<string>() == "i would like to book a table for two");
        }
        Assert.Equal(3, (await GetAsync(tenant, "analytics"))["totals"]!["calls"]!.GetValue<long>());
    }

    [Fact]
    public async Task Transcript_too_big_for_a_queue_message_goes_through_S3_and_is_stored_whole()
    {
        var tenant = await fixture.Api.SignupAsync("postcall-big");
        var agentId = await CreateAgentAsync(tenant);
        var transcript = Enumerable.Range(0, 600).Select(i => new TranscriptTurn
        {
            Speaker = i % 2 == 0 ? "user" : "assistant",
            Text = $"turn {i}: " + new string('x', 100),
            StartMs = i * 1000,
            EndMs = i * 1000 + 900,
        }).ToList();
        var call = Completed(tenant, agentId, transcript);
        Assert.False(CallCompletedMessage.Fits(QueueCallSink.ToMessage(call).ToUtf8Json()), "the test transcript must not fit in a queue message");

        await Sink.AcceptAsync(call, (s, ct) => WriteWavAsync(s, 16000, ct), CancellationToken.None);

        await WaitForCallLogAsync(tenant, call.CallId, Stored);
        var turns = (await GetAsync(tenant, $"transcripts/{call.CallId}"))["turns"]!.AsArray();
        Assert.Equal(transcript.Select(t => t.Text), turns.Select(t => t!["text"]!.GetValue<string>()));
        var file = await ReadJsonAsync<TranscriptFile>(ObjectKeys.Transcript(tenant.TenantId, null, call.CallId));
        Assert.Equal(600, file.Turns.Count);
    }

    [Fact]
    public async Task Recording_over_the_multipart_threshold_is_uploaded_in_parts_and_downloads_whole()
    {
        var tenant = await fixture.Api.SignupAsync("postcall-multipart");
        var agentId = await CreateAgentAsync(tenant);
        var call = Completed(tenant, agentId, []);
        // 11 MiB of sound: above the fixture's 1 MiB threshold, three parts of at most 5 MiB.
        var wav = new MemoryStream();
        await WriteWavAsync(wav, 11 * 1024 * 1024 / 4, CancellationToken.None);
        var written = wav.ToArray();

        await Sink.AcceptAsync(call, (s, ct) => s.WriteAsync(written, ct).AsTask(), CancellationToken.None);

        var log = await WaitForCallLogAsync(tenant, call.CallId, Stored);
        using var http = new HttpClient();
        using var response = await http.GetAsync(log["recording_url"]!.GetValue<string>());
        response.EnsureSuccessStatusCode();
        Assert.Equal(SHA256.HashData(written), SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        // A multipart upload's ETag ends in -<number of parts>.
        Assert.EndsWith("-3\"", response.Headers.ETag!.Tag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_from_before_keys_carried_the_tenant_is_stored_and_its_old_keys_still_serve_the_recording_and_transcript()
    {
        var tenant = await fixture.Api.SignupAsync("postcall-old-keys");
        var agentId = await CreateAgentAsync(tenant);
        var message = NewMessage(tenant, agentId);
        // What an older voice-host put in S3 and on the queue: keys under recordings/{campaign or adhoc}/.
        var store = fixture.Api.Services.GetRequiredService<IObjectStore>();
        var recordingKey = $"recordings/adhoc/{message.CallId}.wav";
        var transcriptKey = $"transcripts/adhoc/{message.CallId}.json";
        var wav = new MemoryStream();
        await WriteWavAsync(wav, 16000, CancellationToken.None);
        var written = wav.ToArray();
        await store.PutAsync(recordingKey, new MemoryStream(written), "audio/wav", CancellationToken.None);
        var file = new TranscriptFile(message.CallId, tenant.TenantId, agentId, null, message.Transcript!);
        await store.PutAsync(transcriptKey, new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(file, JsonDefaults.Options)), "application/json", CancellationToken.None);

        await SendAsync(fixture.Api.CallCompletedQueue, message with { RecordingKey = recordingKey, Transcript = null, TranscriptKey = transcriptKey });

        var log = await WaitForCallLogAsync(tenant, message.CallId, Stored);
        Assert.Contains($"/{recordingKey}", log["recording_url"]!.GetValue<string>(), StringComparison.Ordinal);
        using var http = new HttpClient();
        Assert.Equal(written, await http.GetByteArrayAsync(log["recording_url"]!.GetValue<string>()));
        var turns = (await GetAsync(tenant, $"transcripts/{message.CallId}"))["turns"]!.AsArray();
        Assert.Equal(message.Transcript!.Select(t => t.Text), turns.Select(t => t!["text"]!.GetValue<string>()));
        // Stored again by today's StoreCall, the transcript JSON goes under the tenant.
        var stored = await ReadJsonAsync<TranscriptFile>(ObjectKeys.Transcript(tenant.TenantId, null, message.CallId));
        Assert.Equal(message.Transcript!.Count, stored.Turns.Count);
    }

    private ICallSink Sink => fixture.Voice.Services.GetRequiredService<ICallSink>();

    private static CallCompleted Completed(TenantSession tenant, string agentId, List<TranscriptTurn> transcript)
    {
        var ended = DateTimeOffset.UtcNow;
        return new CallCompleted(Ids.New(), Guid.NewGuid().ToString("N"), tenant.TenantId, agentId, null, null,
            ended.AddSeconds(-30), ended, "caller_ended", CallStatus.Completed, transcript, []);
    }

    /// <summary>A stereo 16 kHz WAV of the given frames of noise, as the call recorder writes one.</summary>
    private static async Task WriteWavAsync(Stream stream, int frames, CancellationToken ct)
    {
        Wav.WriteHeader(stream, 16000, 2, frames * 4L);
        var data = new byte[frames * 4];
        new Random(42).NextBytes(data);
        await stream.WriteAsync(data, ct);
    }

    private async Task<T> ReadJsonAsync<T>(string key)
    {
        var store = fixture.Api.Services.GetRequiredService<IObjectStore>();
        await using var stream = await store.GetAsync(key, CancellationToken.None);
        Assert.NotNull(stream);
        return (await JsonSerializer.DeserializeAsync<T>(stream, JsonDefaults.Options))!;
    }
}
