'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Loading, PageHeader, StatusBadge, formatDate } from '@/components/ui';
import { api } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import { LiveBadge, useLiveUpdates } from '@/lib/live';
import type { CampaignSummary, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { CampaignActions } from './CampaignActions';
import { CampaignForm } from './CampaignForm';

function CampaignsPage() {
  const campaigns = useLoad(() => api<Page<CampaignSummary>>('/campaigns?limit=200'), []);
  const agents = useLoad(allAgents, []);
  const [creating, setCreating] = useState(false);
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);
  const mode = useLiveUpdates(
    (e) => {
      if (e.type.startsWith('campaign.') || e.type.startsWith('call.')) void campaigns.reload();
    },
    () => void campaigns.reload(),
  );

  return (
    <>
      <PageHeader title="Campaigns">
        <LiveBadge mode={mode} />
        {!creating && (
          <button type="button" className="btn-primary" onClick={() => setCreating(true)} disabled={!agents.data}>
            New campaign
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={agents.error} onRetry={agents.reload} />
      {creating && agents.data && (
        <div className="mb-6">
          {agents.data.length === 0 ? (
            <Empty title="Create an agent first">
              A campaign calls its numbers with one of your agents. <Link className="underline" href="/agents/">Go to agents</Link>
            </Empty>
          ) : (
            <CampaignForm
              agents={agents.data}
              onCancel={() => setCreating(false)}
              onSaved={() => {
                setCreating(false);
                void campaigns.reload();
              }}
            />
          )}
        </div>
      )}
      <ErrorMessage error={campaigns.error} onRetry={campaigns.reload} />
      {campaigns.loading && !campaigns.data ? (
        <Loading label="Loading campaigns…" />
      ) : campaigns.data?.items.length === 0 ? (
        <Empty title="No campaigns yet">A campaign is an agent and a list of numbers to call.</Empty>
      ) : (
        <ul className="space-y-3" aria-label="Campaigns">
          {campaigns.data?.items.map((c) => (
            <li key={c.id} className="card flex flex-col gap-3 md:flex-row md:items-center md:justify-between" data-campaign-id={c.id}>
              <div className="min-w-0">
                <Link href={`/campaigns/view/?id=${c.id}`} className="font-semibold text-brand-700 underline break-words">
                  {c.name}
                </Link>{' '}
                <StatusBadge status={c.status} />
                <p className="text-sm text-slate-600">
                  {c.phone_number_count} number{c.phone_number_count === 1 ? '' : 's'} · {agentNames.get(c.agent_id) ?? 'agent'} · created {formatDate(c.created_at)}
                </p>
              </div>
              <CampaignActions id={c.id} name={c.name} status={c.status} onChanged={() => void campaigns.reload()} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <CampaignsPage />
    </Shell>
  );
}
