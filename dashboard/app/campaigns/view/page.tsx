'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { Shell } from '@/components/Shell';
import { ErrorMessage, Loading, PageHeader, StatusBadge, formatDate, formatSeconds } from '@/components/ui';
import { api } from '@/lib/api';
import { LiveBadge, useLiveUpdates } from '@/lib/live';
import type { CallLogSummary, Campaign, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { CampaignActions } from '../CampaignActions';

function CampaignView({ id }: { id: string }) {
  const campaign = useLoad(() => api<Campaign>(`/campaigns/${id}`), [id]);
  const calls = useLoad(() => api<Page<CallLogSummary>>(`/call-logs?campaign_id=${id}&limit=200`), [id]);
  const mode = useLiveUpdates(
    (e) => {
      if (e.data?.campaign_id !== undefined && e.data.campaign_id !== id) return;
      if (e.type === 'campaign.progress') void campaign.reload();
      void calls.reload();
    },
    () => {
      void campaign.reload();
      void calls.reload();
    },
  );

  if (campaign.loading && !campaign.data) return <Loading label="Loading the campaign…" />;
  if (campaign.error && !campaign.data) return <ErrorMessage error={campaign.error} onRetry={campaign.reload} />;
  const c = campaign.data!;
  const items = calls.data?.items ?? [];
  const called = new Set(items.map((x) => x.phone_number)).size;
  const total = c.phone_numbers.length;
  const variables = new Map(
    (c.contacts ?? []).map((x) => [x.phone_number, Object.entries(x.variables ?? {}).map(([k, v]) => `${k} = ${v}`).join(' · ')] as const),
  );
  const percent = total ? Math.round((100 * called) / total) : 0;

  return (
    <>
      <PageHeader title={c.name}>
        <LiveBadge mode={mode} />
        <Link href="/campaigns/" className="btn-secondary">
          All campaigns
        </Link>
      </PageHeader>
      <div className="card mb-4 space-y-3">
        <div className="flex flex-wrap items-center gap-3">
          <StatusBadge status={c.status} />
          <CampaignActions id={c.id} name={c.name} status={c.status} onChanged={(u) => campaign.setData(u)} />
        </div>
        <div>
          <div className="mb-1 flex justify-between text-sm">
            <span id="progress-label">
              {called} of {total} numbers called
            </span>
            <span>{percent}%</span>
          </div>
          <div className="h-3 w-full overflow-hidden rounded-full bg-slate-200" role="progressbar" aria-labelledby="progress-label" aria-valuemin={0} aria-valuemax={total} aria-valuenow={called}>
            <div className="h-full bg-brand-600 transition-all" style={{ width: `${percent}%` }} />
          </div>
        </div>
      </div>
      <ErrorMessage error={calls.error} onRetry={calls.reload} />
      <div className="grid gap-4 md:grid-cols-2">
        <section className="card" aria-labelledby="calls-title">
          <h2 id="calls-title" className="mb-2 font-semibold">
            Calls
          </h2>
          {items.length === 0 ? (
            <p className="text-sm text-slate-600">No calls yet.</p>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm">
              {items.map((x) => (
                <li key={x.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <Link href={`/call-logs/view/?id=${x.id}`} className="text-brand-700 underline">
                    {x.phone_number} · {formatDate(x.started_at)}
                  </Link>
                  <span>
                    <StatusBadge status={x.status} /> {formatSeconds(x.duration_seconds)}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="numbers-title">
          <h2 id="numbers-title" className="mb-2 font-semibold">
            Numbers ({total})
          </h2>
          <ul className="max-h-80 overflow-y-auto font-mono text-sm">
            {c.phone_numbers.map((n) => (
              <li key={n} className="break-all">
                {n}
                {variables.get(n) && <span className="ml-2 text-xs text-slate-500" data-contact-variables={n}>{variables.get(n)}</span>}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

function View() {
  const id = useSearchParams().get('id');
  if (!id) return <ErrorMessage error="No campaign was chosen. Open one from the campaigns list." />;
  return <CampaignView id={id} />;
}

export default function Page() {
  return (
    <Shell>
      <Suspense fallback={<Loading />}>
        <View />
      </Suspense>
    </Shell>
  );
}
