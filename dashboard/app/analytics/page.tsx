'use client';

import { useState, type FormEvent } from 'react';
import { ScopeFields } from '@/components/ScopeFields';
import { Shell } from '@/components/Shell';
import { ErrorMessage, Field, Loading, PageHeader, formatMs, formatSeconds } from '@/components/ui';
import { api, ApiError, query } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import { scopeAndDaysQuery, type ScopeAndDays } from '@/lib/dates';
import { durationHistogram, latencyByDay } from '@/lib/stats';
import type { Analytics, CallLogSummary, CampaignSummary, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { CallsPerDay, ChartCard, DurationDistribution, LatencyOverTime, StatusBreakdown } from './Charts';

const maxCallsForCharts = 1000;

async function callsFor(q: Record<string, string | undefined>): Promise<{ calls: CallLogSummary[]; capped: boolean }> {
  const calls: CallLogSummary[] = [];
  let cursor: string | null | undefined;
  do {
    const page = await api<Page<CallLogSummary>>(`/call-logs${query({ ...q, limit: 200, cursor })}`);
    calls.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && calls.length < maxCallsForCharts);
  return { calls, capped: Boolean(cursor) };
}

function AnalyticsPage() {
  const [draft, setDraft] = useState<ScopeAndDays>({ agent_id: '', campaign_id: '', from: '', to: '' });
  const [filters, setFilters] = useState(draft);
  const agents = useLoad(allAgents, []);
  const campaigns = useLoad(() => api<Page<CampaignSummary>>('/campaigns?limit=200'), []);
  const q = scopeAndDaysQuery(filters);
  const data = useLoad(async () => {
    const [analytics, calls] = await Promise.all([api<Analytics>(`/analytics${query(q)}`), callsFor(q)]);
    return { analytics, ...calls };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [filters]);

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(draft);
  }

  const a = data.data?.analytics;
  const statusData = a ? Object.entries(a.by_status).map(([status, calls]) => ({ status, calls })) : [];
  const histogram = data.data ? durationHistogram(data.data.calls) : [];
  const latency = data.data ? latencyByDay(data.data.calls) : [];
  const rangeError = data.error instanceof ApiError ? data.error.field('to') : undefined;

  return (
    <>
      <PageHeader title="Analytics" />
      <form onSubmit={apply} className="card mb-4 grid gap-3 sm:grid-cols-2 lg:grid-cols-5 lg:items-end" aria-label="Filter analytics">
        <ScopeFields draft={draft} setDraft={setDraft} agents={agents.data} campaigns={campaigns.data?.items} />
        <Field label="From (UTC)">
          {(p) => <input {...p} type="date" className="input" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />}
        </Field>
        <Field label="To (UTC, inclusive)" error={rangeError}>
          {(p) => <input {...p} type="date" className="input" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />}
        </Field>
        <button type="submit" className="btn-primary">
          Apply
        </button>
      </form>
      {!rangeError && <ErrorMessage error={data.error} onRetry={data.reload} />}
      {data.loading && !data.data ? (
        <Loading label="Loading analytics…" />
      ) : a ? (
        <>
          <dl className="mb-4 grid grid-cols-2 gap-3 md:grid-cols-5" aria-label="Totals">
            {[
              ['Calls', String(a.totals.calls), 'total-calls'],
              ['Completed', String(a.totals.completed), 'completed-calls'],
              ['Median duration', formatSeconds(a.duration_seconds.p50), 'median-duration'],
              ['Avg voice-to-voice', formatMs(a.avg_voice_to_voice_ms), 'avg-latency'],
              ['Success rate', a.success?.rate == null ? '—' : `${Math.round(a.success.rate * 100)}% of ${a.success.judged}`, 'success-rate'],
            ].map(([label, value, id]) => (
              <div key={id} className="card">
                <dt className="text-xs uppercase text-slate-500">{label}</dt>
                <dd className="text-2xl font-semibold" data-stat={id}>
                  {value}
                </dd>
              </div>
            ))}
          </dl>
          {data.data?.capped && <p className="mb-2 text-sm text-slate-600">The duration and latency charts show the newest {maxCallsForCharts} calls.</p>}
          <div className="grid gap-4 lg:grid-cols-2">
            <ChartCard title="Calls per day" empty={a.calls_per_day.length === 0} summary={a.calls_per_day.map((d) => `${d.date}: ${d.calls}`).join(', ')}>
              <CallsPerDay data={a.calls_per_day} />
            </ChartCard>
            <ChartCard title="Status breakdown" empty={statusData.length === 0} summary={statusData.map((d) => `${d.status}: ${d.calls}`).join(', ')}>
              <StatusBreakdown data={statusData} />
            </ChartCard>
            <ChartCard title="Duration distribution" empty={data.data!.calls.length === 0} summary={histogram.map((d) => `${d.label}: ${d.calls}`).join(', ')}>
              <DurationDistribution data={histogram} />
            </ChartCard>
            <ChartCard title="Voice-to-voice latency (p50 / p95)" empty={latency.length === 0} summary={latency.map((d) => `${d.date}: p50 ${d.p50} ms, p95 ${d.p95} ms`).join('; ')}>
              <LatencyOverTime data={latency} />
            </ChartCard>
          </div>
        </>
      ) : null}
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <AnalyticsPage />
    </Shell>
  );
}
