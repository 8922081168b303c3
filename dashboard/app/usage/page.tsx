'use client';

import { useState, type FormEvent } from 'react';
import { ScopeFields } from '@/components/ScopeFields';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Field, Loading, PageHeader } from '@/components/ui';
import { api, ApiError, query } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import { scopeAndDaysQuery, type ScopeAndDays } from '@/lib/dates';
import type { CampaignSummary, Page, Usage, UsageFigures } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';

type Figure = 'call_minutes' | 'stt_audio_seconds' | 'llm_tokens_in' | 'llm_tokens_out' | 'tts_characters';

/** The figures in the order shown, each with how its amounts read. */
const figures: { key: Figure; label: string; unit: string; format: (n: number) => string }[] = [
  { key: 'call_minutes', label: 'Call minutes', unit: 'by transport', format: (n) => n.toFixed(2) },
  { key: 'stt_audio_seconds', label: 'STT audio seconds', unit: 'by provider', format: (n) => n.toFixed(1) },
  { key: 'llm_tokens_in', label: 'LLM tokens in', unit: 'by provider', format: (n) => n.toLocaleString('en-US') },
  { key: 'llm_tokens_out', label: 'LLM tokens out', unit: 'by provider', format: (n) => n.toLocaleString('en-US') },
  { key: 'tts_characters', label: 'TTS characters', unit: 'by provider', format: (n) => n.toLocaleString('en-US') },
];

const sum = (values: Record<string, number> | undefined) => Object.values(values ?? {}).reduce((a, b) => a + b, 0);

/** Each provider's (or transport's) amount, with the rules responder's tokens marked as the estimate they are. */
function breakdown(figure: Figure, values: Record<string, number> | undefined, format: (n: number) => string) {
  return Object.entries(values ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => ({ key, text: `${key}: ${format(n)}${figure.startsWith('llm_tokens') && key === 'rules' ? ' (estimate)' : ''}` }));
}

function UsagePage() {
  const [draft, setDraft] = useState<ScopeAndDays>({ agent_id: '', campaign_id: '', from: '', to: '' });
  const [filters, setFilters] = useState(draft);
  const agents = useLoad(allAgents, []);
  const campaigns = useLoad(() => api<Page<CampaignSummary>>('/campaigns?limit=200'), []);
  const data = useLoad(() => api<Usage>(`/usage${query(scopeAndDaysQuery(filters))}`), [filters]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(draft);
  }

  const fromError = data.error instanceof ApiError ? data.error.field('from') : undefined;
  const toError = data.error instanceof ApiError ? data.error.field('to') : undefined;
  const u = data.data;
  const lastDay = u ? new Date(new Date(u.to).getTime() - 86_400_000).toISOString().slice(0, 10) : '';

  return (
    <>
      <PageHeader title="Usage" />
      <p className="mb-4 text-sm text-slate-600">
        What your calls used, per UTC day: call minutes by transport, and speech-to-text audio, LLM tokens and text-to-speech characters by provider. The rules
        responder is no language model; its tokens are an estimate (characters ÷ 4).
      </p>
      <form onSubmit={apply} className="card mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end" aria-label="Filter usage">
        <ScopeFields draft={draft} setDraft={setDraft} agents={agents.data} campaigns={campaigns.data?.items} />
        <Field label="From (UTC)" error={fromError}>
          {(p) => <input {...p} type="date" className="input" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />}
        </Field>
        <Field label="To (UTC, inclusive)" error={toError}>
          {(p) => <input {...p} type="date" className="input" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />}
        </Field>
        <button type="submit" className="btn-primary">
          Apply
        </button>
      </form>
      {!fromError && !toError && <ErrorMessage error={data.error} onRetry={data.reload} />}
      {data.loading && !u ? (
        <Loading label="Loading usage…" />
      ) : u ? (
        <>
          <p className="mb-2 text-sm text-slate-600" data-usage-range>
            {u.from.slice(0, 10)} to {lastDay} (UTC)
          </p>
          <dl className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6" aria-label="Totals">
            <div className="card">
              <dt className="text-xs uppercase text-slate-500">Calls</dt>
              <dd className="text-2xl font-semibold" data-stat="calls">
                {u.totals.calls}
              </dd>
            </div>
            {figures.map((f) => (
              <div key={f.key} className="card min-w-0">
                <dt className="text-xs uppercase text-slate-500">{f.label}</dt>
                <dd className="text-2xl font-semibold" data-stat={f.key}>
                  {f.format(sum(u.totals[f.key]))}
                </dd>
                <dd className="mt-1 break-words text-xs text-slate-600">
                  <span className="sr-only">{f.unit}: </span>
                  {breakdown(f.key, u.totals[f.key], f.format).map((b) => (
                    <span key={b.key} className="block" data-usage={`${f.key}.${b.key}`}>
                      {b.text}
                    </span>
                  ))}
                </dd>
              </div>
            ))}
          </dl>
          {u.days.length === 0 ? (
            <Empty title="No calls in this range">Usage appears here as calls end.</Empty>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
              <table className="min-w-full text-left text-sm">
                <caption className="sr-only">Usage per UTC day, oldest first</caption>
                <thead className="bg-slate-50 text-xs uppercase text-slate-500">
                  <tr>
                    <th scope="col" className="px-3 py-2">Date</th>
                    <th scope="col" className="px-3 py-2 text-right">Calls</th>
                    {figures.map((f) => (
                      <th key={f.key} scope="col" className="px-3 py-2 text-right">
                        {f.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {u.days.map((d) => (
                    <tr key={d.date} data-day={d.date}>
                      <td className="whitespace-nowrap px-3 py-2 font-medium">{d.date}</td>
                      <td className="px-3 py-2 text-right" data-cell="calls">
                        {d.calls}
                      </td>
                      {figures.map((f) => (
                        <DayCell key={f.key} figure={f} day={d} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      ) : null}
    </>
  );
}

/** A day's amount of one figure, its providers (or transports) under it. */
function DayCell({ figure, day }: { figure: (typeof figures)[number]; day: UsageFigures }) {
  const values = day[figure.key];
  const parts = breakdown(figure.key, values, figure.format);
  return (
    <td className="whitespace-nowrap px-3 py-2 text-right align-top" data-cell={figure.key}>
      {figure.format(sum(values))}
      {parts.length > 1 &&
        parts.map((p) => (
          <span key={p.key} className="block text-xs text-slate-500">
            {p.text}
          </span>
        ))}
      {parts.length === 1 && <span className="block text-xs text-slate-500">{parts[0].key}</span>}
    </td>
  );
}

export default function Page() {
  return (
    <Shell>
      <UsagePage />
    </Shell>
  );
}
