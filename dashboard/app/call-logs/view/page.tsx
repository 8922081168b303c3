'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useRef, useState } from 'react';
import { Shell } from '@/components/Shell';
import { ErrorMessage, Loading, PageHeader, StatusBadge, formatDate, formatMs, formatSeconds } from '@/components/ui';
import { api } from '@/lib/api';
import type { CallLogDetail, ToolCall, Transcript } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { AnalysisCard } from './AnalysisCard';

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

const json = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** A tool call of the transcript: what the agent asked, what came back (or the error), and how long it took. */
function ToolTurn({ at, tool }: { at: number; tool: ToolCall }) {
  return (
    <div className={`rounded-md border px-3 py-2 text-sm ${tool.ok ? 'border-slate-200 bg-white' : 'border-red-200 bg-red-50'}`} data-tool-turn={tool.name}>
      <p>
        <span className="mr-2 font-mono text-xs text-slate-500">{clock(at)}</span>
        <span className="font-medium">Tool</span> <code className="font-semibold">{tool.name}</code>{' '}
        <span className="text-xs text-slate-500">
          {tool.ok ? 'ok' : 'failed'} · {formatMs(tool.duration_ms)}
        </span>
      </p>
      <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-2 font-mono text-xs">
        <dt className="text-slate-500">arguments</dt>
        <dd className="break-all" data-tool-arguments>
          {json(tool.arguments ?? {})}
        </dd>
        {tool.error ? (
          <>
            <dt className="text-red-700">error</dt>
            <dd className="break-all text-red-800" data-tool-error>
              {tool.error}
            </dd>
          </>
        ) : (
          <>
            <dt className="text-slate-500">result</dt>
            <dd className="break-all" data-tool-result>
              {json(tool.result ?? null)}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function CallDetail({ id }: { id: string }) {
  const call = useLoad(() => api<CallLogDetail>(`/call-logs/${id}`), [id]);
  const transcript = useLoad(() => api<Transcript>(`/transcripts/${id}`), [id]);
  const audio = useRef<HTMLAudioElement>(null);
  const [audioError, setAudioError] = useState<string | null>(null);

  function seek(ms: number) {
    if (!audio.current) return;
    audio.current.currentTime = ms / 1000;
    void audio.current.play().catch(() => undefined);
  }

  if (call.loading && !call.data) return <Loading label="Loading the call…" />;
  if (call.error) return <ErrorMessage error={call.error} onRetry={call.reload} />;
  const c = call.data!;

  return (
    <>
      <PageHeader title="Call">
        <Link className="btn-secondary" href="/call-logs/">
          Back to call logs
        </Link>
      </PageHeader>
      <dl className="card mb-4 grid grid-cols-2 gap-3 text-sm md:grid-cols-4">
        <div>
          <dt className="text-slate-500">Status</dt>
          <dd>
            <StatusBadge status={c.status} /> {c.end_reason && <span className="text-slate-600">({c.end_reason.replace(/_/g, ' ')})</span>}
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Started</dt>
          <dd>{formatDate(c.started_at)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Duration</dt>
          <dd>{formatSeconds(c.duration_seconds)}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Average voice-to-voice</dt>
          <dd>{formatMs(c.avg_voice_to_voice_ms)}</dd>
        </div>
        {c.transferred_to && (
          <div>
            <dt className="text-slate-500">Transferred to</dt>
            <dd>{c.transferred_to}</dd>
          </div>
        )}
        {c.variables && Object.keys(c.variables).length > 0 && (
          <div className="col-span-2 md:col-span-4">
            <dt className="text-slate-500">Variables</dt>
            <dd className="break-all font-mono text-xs" data-call-variables>
              {Object.entries(c.variables)
                .map(([k, v]) => `${k} = ${v}`)
                .join(' · ')}
            </dd>
          </div>
        )}
      </dl>

      <AnalysisCard analysis={c.analysis} />

      <section className="card mb-4" aria-labelledby="recording-title">
        <h2 id="recording-title" className="mb-2 font-semibold">
          Recording
        </h2>
        {c.recording_url ? (
          <>
            <audio
              ref={audio}
              controls
              preload="metadata"
              src={c.recording_url}
              className="w-full"
              aria-label="Call recording"
              onError={() => setAudioError('The recording could not be loaded; its link may have expired. Reload the page for a new one.')}
            />
            {audioError && <ErrorMessage error={audioError} onRetry={() => { setAudioError(null); void call.reload(); }} />}
          </>
        ) : (
          <p className="text-sm text-slate-600">No recording for this call.</p>
        )}
      </section>

      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <section className="card" aria-labelledby="transcript-title">
          <h2 id="transcript-title" className="mb-2 font-semibold">
            Transcript
          </h2>
          <ErrorMessage error={transcript.error} onRetry={transcript.reload} />
          {transcript.loading && !transcript.data ? (
            <Loading label="Loading the transcript…" />
          ) : transcript.data && transcript.data.turns.length === 0 ? (
            <p className="text-sm text-slate-600">Nobody said anything in this call.</p>
          ) : (
            <ol className="space-y-2" aria-label="Transcript turns">
              {transcript.data?.turns.map((t, i) => (
                <li key={i}>
                  {t.tool ? (
                    <ToolTurn at={t.start_ms} tool={t.tool} />
                  ) : (
                  <button
                    type="button"
                    onClick={() => seek(t.start_ms)}
                    className={`w-full rounded-md px-3 py-2 text-left text-sm hover:ring-2 hover:ring-brand-100 ${t.speaker === 'user' ? 'bg-slate-100' : 'bg-brand-50'}`}
                    title="Play from here"
                  >
                    <span className="mr-2 font-mono text-xs text-slate-500">{clock(t.start_ms)}</span>
                    <span className="font-medium">{t.speaker === 'user' ? 'Caller' : 'Agent'}:</span> <span data-transcript-text>{t.text}</span>
                  </button>
                  )}
                </li>
              ))}
            </ol>
          )}
        </section>
        <section className="card" aria-labelledby="latency-title">
          <h2 id="latency-title" className="mb-2 font-semibold">
            Latency per turn
          </h2>
          {c.turns.length === 0 ? (
            <p className="text-sm text-slate-600">No turn was measured.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="min-w-full text-sm">
                <thead className="text-left text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="py-1 pr-2">Turn</th>
                    <th scope="col" className="py-1 pr-2">Voice-to-voice</th>
                    <th scope="col" className="py-1 pr-2">STT</th>
                    <th scope="col" className="py-1 pr-2">LLM</th>
                    <th scope="col" className="py-1">TTS</th>
                  </tr>
                </thead>
                <tbody>
                  {c.turns.map((t) => (
                    <tr key={t.turn} className="border-t border-slate-100">
                      <td className="py-1 pr-2">{t.turn}</td>
                      <td className="py-1 pr-2">{formatMs(t.voice_to_voice_ms)}</td>
                      <td className="py-1 pr-2">{formatMs(t.stt_ms)}</td>
                      <td className="py-1 pr-2">{formatMs(t.llm_ttft_ms)}</td>
                      <td className="py-1">{formatMs(t.tts_ttfb_ms)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      </div>
    </>
  );
}

function Detail() {
  const id = useSearchParams().get('id');
  if (!id) return <ErrorMessage error="No call was chosen. Open one from the call logs." />;
  return <CallDetail id={id} />;
}

export default function Page() {
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <Detail />
      </Suspense>
    </Shell>
  );
}
