'use client';

import Link from 'next/link';
import { useMemo, useState, type FormEvent } from 'react';
import { ScopeFields } from '@/components/ScopeFields';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Field, Loading, PageHeader, StatusBadge, formatDate, formatMs, formatSeconds } from '@/components/ui';
import { api, ApiError, download, query } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import { LiveBadge, useLiveUpdates } from '@/lib/live';
import type { CallLogSummary, CampaignSummary, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';

interface Filters {
  agent_id: string;
  campaign_id: string;
  status: string;
  phone_number: string;
  from: string;
  to: string;
  success: string;
}

const empty: Filters = { agent_id: '', campaign_id: '', status: '', phone_number: '', from: '', to: '', success: '' };
const statuses = ['in_progress', 'completed', 'failed', 'no_answer', 'busy'];
const toIso = (local: string) => (local ? new Date(local).toISOString() : undefined);

function CallLogsPage() {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  // On a phone the filters fold away behind a button; from the sm breakpoint they are always shown.
  const [filtersOpen, setFiltersOpen] = useState(false);
  // The cursors of the pages before this one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const agents = useLoad(allAgents, []);
  const campaigns = useLoad(() => api<Page<CampaignSummary>>('/campaigns?limit=200'), []);
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);

  const filterParams = { agent_id: filters.agent_id, campaign_id: filters.campaign_id, status: filters.status, phone_number: filters.phone_number, from: toIso(filters.from), to: toIso(filters.to), success: filters.success };
  const page = useLoad(() => api<Page<CallLogSummary>>(`/call-logs${query({ limit: 20, cursor, ...filterParams })}`), [filters, cursor]);
  // The export takes the filters applied to the list, so it holds the calls the list pages through.
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);
  async function exportCsv() {
    setExporting(true);
    setExportError(null);
    try {
      await download(`/call-logs/export${query({ format: 'csv', ...filterParams })}`, `call-logs-${new Date().toISOString().slice(0, 10)}.csv`);
    } catch (e) {
      setExportError(e);
    } finally {
      setExporting(false);
    }
  }
  const mode = useLiveUpdates(
    (e) => {
      if (e.type === 'call.started' || e.type === 'call.ended' || e.type === 'call.completed') void page.reload();
    },
    () => void page.reload(),
  );

  function apply(e: FormEvent) {
    e.preventDefault();
    setFilters(draft);
    setCursors([undefined]);
  }

  return (
    <>
      <PageHeader title="Call logs">
        <LiveBadge mode={mode} />
        <button type="button" className="btn-secondary" onClick={() => void exportCsv()} disabled={exporting} aria-busy={exporting}>
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
        <button type="button" className="btn-secondary sm:hidden" aria-expanded={filtersOpen} aria-controls="call-filters" onClick={() => setFiltersOpen((o) => !o)}>
          {filtersOpen ? 'Hide filters' : 'Filters'}
        </button>
      </PageHeader>
      <form
        id="call-filters"
        onSubmit={apply}
        className={`card mb-4 gap-3 sm:grid sm:grid-cols-2 lg:grid-cols-6 lg:items-end ${filtersOpen ? 'grid' : 'hidden'}`}
        aria-label="Filter call logs"
      >
        <ScopeFields draft={draft} setDraft={setDraft} agents={agents.data} campaigns={campaigns.data?.items} />
        <Field label="Status">
          {(p) => (
            <select {...p} className="input" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
              <option value="">Any status</option>
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Analysis">
          {(p) => (
            <select {...p} className="input" value={draft.success} onChange={(e) => setDraft({ ...draft, success: e.target.value })}>
              <option value="">Any verdict</option>
              <option value="true">Success</option>
              <option value="false">Not a success</option>
            </select>
          )}
        </Field>
        <Field label="Phone number" error={page.error instanceof ApiError ? page.error.field('phone_number') : undefined}>
          {(p) => <input {...p} className="input" placeholder="+14155550100" value={draft.phone_number} onChange={(e) => setDraft({ ...draft, phone_number: e.target.value })} />}
        </Field>
        <Field label="From">
          {(p) => <input {...p} className="input" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />}
        </Field>
        <Field label="To">
          {(p) => <input {...p} className="input" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />}
        </Field>
        <div className="flex gap-2 sm:col-span-2 lg:col-span-6">
          <button className="btn-primary" type="submit">
            Apply filters
          </button>
          <button
            className="btn-secondary"
            type="button"
            onClick={() => {
              setDraft(empty);
              setFilters(empty);
              setCursors([undefined]);
            }}
          >
            Clear
          </button>
        </div>
      </form>
      <ErrorMessage error={page.error} onRetry={page.reload} />
      <ErrorMessage error={exportError} onRetry={() => void exportCsv()} />
      {page.loading && !page.data ? (
        <Loading label="Loading calls…" />
      ) : page.data && page.data.items.length === 0 ? (
        <Empty title="No calls found">{cursors.length > 1 ? 'This page is empty.' : 'Calls appear here as they end. Try Talk to agent to make one.'}</Empty>
      ) : page.data ? (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="min-w-full text-left text-sm">
            <caption className="sr-only">Calls, newest first</caption>
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2">Started</th>
                <th scope="col" className="px-3 py-2">Agent</th>
                <th scope="col" className="px-3 py-2">Phone</th>
                <th scope="col" className="px-3 py-2">Status</th>
                <th scope="col" className="px-3 py-2">Duration</th>
                <th scope="col" className="px-3 py-2">Voice-to-voice</th>
                <th scope="col" className="px-3 py-2">Success</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {page.data.items.map((c) => (
                <tr key={c.id} data-call-id={c.id} className="hover:bg-slate-50">
                  <td className="whitespace-nowrap px-3 py-2">
                    <Link className="font-medium text-brand-700 underline" href={`/call-logs/view/?id=${c.id}`}>
                      {formatDate(c.started_at)}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{agentNames.get(c.agent_id) ?? c.agent_id}</td>
                  <td className="whitespace-nowrap px-3 py-2">{c.phone_number ?? 'browser'}</td>
                  <td className="px-3 py-2">
                    <StatusBadge status={c.status} />
                  </td>
                  <td className="whitespace-nowrap px-3 py-2">{formatSeconds(c.duration_seconds)}</td>
                  <td className="whitespace-nowrap px-3 py-2">{formatMs(c.avg_voice_to_voice_ms)}</td>
                  <td className="px-3 py-2" data-call-success={c.success ?? undefined}>
                    {c.success == null ? '—' : c.success ? 'yes' : 'no'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav className="mt-4 flex gap-2" aria-label="Pages">
        <button type="button" className="btn-secondary" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
          Previous
        </button>
        <button
          type="button"
          className="btn-secondary"
          disabled={!page.data?.next_cursor}
          onClick={() => setCursors((c) => [...c, page.data?.next_cursor ?? undefined])}
        >
          Next
        </button>
      </nav>
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <CallLogsPage />
    </Shell>
  );
}
