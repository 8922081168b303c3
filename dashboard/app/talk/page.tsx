'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useEffect, useRef, useState } from 'react';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Field, Loading, PageHeader, formatMs } from '@/components/ui';
import { freshAccessToken } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import { config } from '@/lib/config';
import { useLoad } from '@/lib/useLoad';
import { VoiceCall, type CallPhase, type TranscriptLine, type TurnMetrics } from '@/lib/voiceCall';

function SpeakingIndicator({ who, speaking }: { who: string; speaking: boolean }) {
  return (
    <div className={`flex items-center gap-3 rounded-lg border p-3 ${speaking ? 'border-green-400 bg-green-50' : 'border-slate-200 bg-white'}`} data-speaking={speaking}>
      <span className={`relative flex h-4 w-4`} aria-hidden>
        {speaking && <span className="absolute inline-flex h-full w-full animate-ping rounded-full bg-green-400 opacity-75" />}
        <span className={`relative inline-flex h-4 w-4 rounded-full ${speaking ? 'bg-green-500' : 'bg-slate-300'}`} />
      </span>
      <span className="text-sm font-medium">
        {who}: {speaking ? 'speaking' : 'quiet'}
      </span>
    </div>
  );
}

function Talk() {
  const params = useSearchParams();
  const agents = useLoad(allAgents, []);
  const [agentId, setAgentId] = useState(params.get('agent') ?? '');
  const [phase, setPhase] = useState<CallPhase>('idle');
  const [callId, setCallId] = useState<string | null>(null);
  const [lines, setLines] = useState<TranscriptLine[]>([]);
  const [userSpeaking, setUserSpeaking] = useState(false);
  const [botSpeaking, setBotSpeaking] = useState(false);
  const [muted, setMuted] = useState(false);
  const [metrics, setMetrics] = useState<TurnMetrics | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [endMessage, setEndMessage] = useState<string | null>(null);
  const call = useRef<VoiceCall | null>(null);
  const transcriptEnd = useRef<HTMLLIElement>(null);

  useEffect(() => {
    if (agents.data?.length && !agents.data.some((a) => a.id === agentId)) setAgentId(agents.data[0].id);
  }, [agents.data, agentId]);
  useEffect(() => () => call.current?.dispose(), []);
  // Braces: scrollIntoView returns a promise in current Chromium, and an effect may only return a cleanup function.
  useEffect(() => {
    transcriptEnd.current?.scrollIntoView({ block: 'nearest' });
  }, [lines]);

  async function start() {
    setLines([]);
    setMetrics(null);
    setProblem(null);
    setEndMessage(null);
    setCallId(null);
    setMuted(false);
    const token = await freshAccessToken();
    if (!token) {
      setProblem('Your session has ended. Sign in again.');
      return;
    }
    const c = new VoiceCall({
      phase: setPhase,
      ready: setCallId,
      transcript: setLines,
      userSpeaking: setUserSpeaking,
      botSpeaking: setBotSpeaking,
      metrics: setMetrics,
      problem: (message) => setProblem(message),
      ended: setEndMessage,
    });
    call.current = c;
    await c.start({ voiceUrl: config().voiceUrl, auth: { token, agent_id: agentId } });
  }

  const inCall = phase === 'starting' || phase === 'connecting' || phase === 'live' || phase === 'ending';
  const agent = agents.data?.find((a) => a.id === agentId);

  if (agents.loading && !agents.data) return <Loading label="Loading agents…" />;
  if (agents.error) return <ErrorMessage error={agents.error} onRetry={agents.reload} />;
  if (agents.data?.length === 0) {
    return (
      <Empty title="No agent to talk to">
        <Link className="underline" href="/agents/">
          Create an agent
        </Link>{' '}
        first.
      </Empty>
    );
  }

  return (
    <>
      <PageHeader title="Talk to agent" />
      <div className="card mb-4 flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="sm:w-80">
          <Field label="Agent">
            {(p) => (
              <select {...p} className="input" value={agentId} disabled={inCall} onChange={(e) => setAgentId(e.target.value)}>
                {agents.data?.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div className="flex flex-wrap gap-2">
          {!inCall ? (
            <button type="button" className="btn-primary" onClick={start} disabled={!agentId}>
              Start call
            </button>
          ) : (
            <>
              <button
                type="button"
                className="btn-secondary"
                aria-pressed={muted}
                disabled={phase !== 'live'}
                onClick={() => {
                  call.current?.setMuted(!muted);
                  setMuted(!muted);
                }}
              >
                {muted ? 'Unmute' : 'Mute'}
              </button>
              <button type="button" className="btn-danger" onClick={() => call.current?.hangUp()} disabled={phase === 'ending'}>
                Hang up
              </button>
            </>
          )}
        </div>
        <p className="text-sm text-slate-600 sm:ml-auto" role="status" data-call-phase={phase}>
          {phase === 'idle' && 'Not in a call.'}
          {phase === 'starting' && 'Starting the microphone…'}
          {phase === 'connecting' && 'Connecting…'}
          {phase === 'live' && (muted ? 'In call (muted).' : 'In call. Speak now.')}
          {phase === 'ending' && 'Hanging up…'}
          {phase === 'ended' && (callId ? 'Call over.' : 'Not in a call.')}
        </p>
      </div>

      {problem && (
        <div className="mb-4" data-call-problem>
          <ErrorMessage error={problem} />
        </div>
      )}
      {endMessage && !problem && (
        <p role="status" className="mb-4 rounded-md bg-slate-100 px-3 py-2 text-sm" data-call-ended>
          {endMessage}
          {callId && (
            <>
              {' '}
              <Link className="font-medium text-brand-700 underline" href={`/call-logs/view/?id=${callId}`}>
                Open the call log
              </Link>{' '}
              (it appears once the call is stored).
            </>
          )}
        </p>
      )}

      <div className="mb-4 grid grid-cols-1 gap-3 sm:grid-cols-2">
        <SpeakingIndicator who="You" speaking={userSpeaking && !muted} />
        <SpeakingIndicator who={agent?.name ?? 'Agent'} speaking={botSpeaking} />
      </div>

      <section className="card" aria-labelledby="live-transcript">
        <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
          <h2 id="live-transcript" className="font-semibold">
            Live transcript
          </h2>
          {metrics && (
            <span className="text-xs text-slate-600" data-metrics>
              Turn {metrics.turn}: voice-to-voice {formatMs(metrics.voice_to_voice_ms)} (STT {formatMs(metrics.stt_ms)}, LLM {formatMs(metrics.llm_ttft_ms)}, TTS{' '}
              {formatMs(metrics.tts_ttfb_ms)})
            </span>
          )}
        </div>
        {lines.length === 0 ? (
          <p className="text-sm text-slate-500">{inCall ? 'Listening…' : 'Start a call and what you and the agent say appears here.'}</p>
        ) : (
          <ol className="max-h-96 space-y-2 overflow-y-auto" aria-live="polite" aria-label="Transcript">
            {lines.map((l, i) => (
              <li
                key={i}
                data-role={l.role}
                data-final={l.final}
                className={`w-fit max-w-[85%] rounded-lg px-3 py-2 text-sm ${l.role === 'user' ? 'ml-auto bg-brand-600 text-white' : 'bg-slate-100'} ${l.final ? '' : 'opacity-70 italic'}`}
              >
                <span className="sr-only">{l.role === 'user' ? 'You' : 'Agent'}: </span>
                {l.text}
              </li>
            ))}
            <li ref={transcriptEnd} aria-hidden />
          </ol>
        )}
      </section>
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Talk />
      </Suspense>
    </Shell>
  );
}
