'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useRef, useState } from 'react';
import { Shell } from '@/components/Shell';
import { ErrorMessage, Loading, PageHeader, StatusBadge, formatDate, formatMs, formatSeconds } from '@/components/ui';
import { api } from '@/lib/api';
import type { CallLogDetail, Transcript } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';

const clock = (ms: number) => {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

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
      </dl>

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
                  <button
                    type="button"
                    onClick={() => seek(t.start_ms)}
                    className={`w-full rounded-md px-3 py-2 text-left text-sm hover:ring-2 hover:ring-brand-100 ${t.speaker === 'user' ? 'bg-slate-100' : 'bg-brand-50'}`}
                    title="Play from here"
                  >
                    <span className="mr-2 font-mono text-xs text-slate-500">{clock(t.start_ms)}</span>
                    <span className="font-medium">{t.speaker === 'user' ? 'Caller' : 'Agent'}:</span> <span data-transcript-text>{t.text}</span>
                  </button>
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
