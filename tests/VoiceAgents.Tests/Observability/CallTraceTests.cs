using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using VoiceAgents.Core.Telemetry;
using VoiceAgents.Tests.Infrastructure;
using static VoiceAgents.Tests.Infrastructure.PostCallSteps;

namespace VoiceAgents.Tests.Observability;

/// <summary>
/// One call, one trace: the caller's traceparent on the /ws upgrade, the voice-host session, the delivery to the
/// call-completed queue, StoreCall in the Functions app and the call.completed event's dispatch share a trace id,
/// joined across the queues by the messages' trace_parent. Spans go to OpenTelemetry's in-memory exporter.
/// </summary>
public sealed class CallTraceTests(PostCallFixture fixture) : IClassFixture<PostCallFixture>
{
    private static readonly ActivitySource Caller = new("VoiceAgents.Tests.Caller");

    [Fact]
    public async Task A_call_is_one_trace_from_the_callers_request_through_store_call_and_its_event()
    {
        var spans = new SpanList();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(Caller.Name, Tracing.SourceName, "Microsoft.AspNetCore")
            .AddInMemoryExporter(spans)
            .Build();

        var tenant = await fixture.Api.SignupAsync("trace");
        var agentId = await CreateAgentAsync(tenant);
        string callId;
        ActivityTraceId traceId;
        using (var root = Caller.StartActivity("caller.call", ActivityKind.Client)!)
        {
            traceId = root.TraceId;
            await using var caller = await VoiceClient.ConnectAsync(fixture.Voice.WebSocketUri, o => o.SetRequestHeader("traceparent", root.Id));
            await caller.SendJsonAsync(new { type = "auth", token = tenant.AccessToken, agent_id = agentId, sample_rate = 16000 });
            callId = (await caller.WaitForAsync("ready", TimeSpan.FromSeconds(10)))["call_id"]!.GetValue<string>();
            await caller.StreamSilenceAsync(TimeSpan.FromMilliseconds(600), 16000);
            await EndCallAsync(caller);
        }
        await WaitForCallLogAsync(tenant, callId, TimeSpan.FromSeconds(60));

        Activity Span(string name, string? eventType = null) =>
            Assert.Single(spans.Snapshot(), s => s.OperationName == name && (string?)s.GetTagItem(Tracing.CallIdTag) == callId
                && (eventType is null || (string?)s.GetTagItem("event_type") == eventType));
        await Eventually.Assert(() => Span("event.dispatch", "call.completed"), TimeSpan.FromSeconds(30));
        var call = Span("voice.call");
        var deliver = Span("call.deliver");
        var store = Span("call.store");
        var dispatch = Span("event.dispatch", "call.completed");
        // call.started, enqueued by voice-host when the call is ready, is dispatched under the call's span too.
        await Eventually.Assert(() => Assert.Equal(call.SpanId, Span("event.dispatch", "call.started").ParentSpanId), TimeSpan.FromSeconds(30));

        Assert.All(new[] { call, deliver, store, dispatch }, s => Assert.Equal(traceId, s.TraceId));
        // Each hop is the child of the one before it, across the call-completed and events queues.
        var upgrade = spans.Snapshot().Single(s => s.Source.Name == "Microsoft.AspNetCore" && s.SpanId == call.ParentSpanId);
        // The upgrade continues the caller's trace (its parent is the caller's span, or the client's HTTP span under it).
        Assert.Equal(traceId, upgrade.TraceId);
        Assert.NotEqual(default, upgrade.ParentSpanId);
        Assert.Equal(call.SpanId, deliver.ParentSpanId);
        Assert.Equal(deliver.SpanId, store.ParentSpanId);
        Assert.Equal(store.SpanId, dispatch.ParentSpanId);
        Assert.Equal("caller_ended", call.GetTagItem("end_reason"));
        Assert.Equal(ActivityKind.Consumer, store.Kind);
    }
}

/// <summary>The exporter's list; other tests' spans arrive on other threads while this one reads.</summary>
internal sealed class SpanList : System.Collections.ObjectModel.Collection<Activity>
{
    private readonly Lock _gate = new();

    protected override void InsertItem(int index, Activity item)
    {
        lock (_gate) base.InsertItem(index, item);
    }

    public List<Activity> Snapshot()
    {
        lock (_gate) return [.. this];
    }
}
