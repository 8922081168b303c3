'use client';

import Link from 'next/link';
import { useMemo, useState } from 'react';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Loading, PageHeader, formatDate } from '@/components/ui';
import { api } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import type { InboundNumber } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { InboundNumberForm } from './InboundNumberForm';

function InboundNumbersPage() {
  const numbers = useLoad(() => api<InboundNumber[]>('/inbound-numbers'), []);
  const agents = useLoad(allAgents, []);
  const [editing, setEditing] = useState<InboundNumber | 'new' | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const agentNames = useMemo(() => new Map(agents.data?.map((a) => [a.id, a.name])), [agents.data]);
  const unanswered = (numbers.data ?? []).filter((n) => !n.agent_id).map((n) => n.phone_number);

  function replace(saved: InboundNumber) {
    numbers.setData((list) => list?.map((n) => (n.phone_number === saved.phone_number ? saved : n)));
  }

  async function stopAnswering(n: InboundNumber) {
    if (!window.confirm(`Stop answering calls to ${n.phone_number}? Its variables go too; the number stays yours.`)) return;
    setRemoveError(null);
    try {
      await api(`/inbound-numbers/${encodeURIComponent(n.phone_number)}`, { method: 'DELETE' });
      replace({ ...n, agent_id: null, variables: {} });
    } catch (e) {
      setRemoveError(e);
    }
  }

  return (
    <>
      <PageHeader title="Inbound numbers">
        {!editing && unanswered.length > 0 && (
          <button type="button" className="btn-primary" onClick={() => setEditing('new')} disabled={!agents.data}>
            Answer a number
          </button>
        )}
      </PageHeader>
      <p className="mb-4 text-sm text-slate-600">
        The phone numbers your operator allocated to this organization. Choose the agent that answers each one, and the variables its calls start with.
      </p>
      <ErrorMessage error={agents.error} onRetry={agents.reload} />
      {editing && agents.data && (
        <div className="mb-6">
          {agents.data.length === 0 ? (
            <Empty title="Create an agent first">
              A number is answered by one of your agents. <Link className="underline" href="/agents/">Go to agents</Link>
            </Empty>
          ) : (
            <InboundNumberForm
              key={editing === 'new' ? 'new' : editing.phone_number}
              number={editing === 'new' ? undefined : editing}
              unanswered={unanswered}
              agents={agents.data}
              onCancel={() => setEditing(null)}
              onSaved={(saved) => {
                replace(saved);
                setEditing(null);
              }}
            />
          )}
        </div>
      )}
      <ErrorMessage error={removeError} />
      <ErrorMessage error={numbers.error} onRetry={numbers.reload} />
      {numbers.loading && !numbers.data ? (
        <Loading label="Loading numbers…" />
      ) : numbers.data?.length === 0 ? (
        <Empty title="No numbers yet">Your operator allocates phone numbers to your organization; they appear here.</Empty>
      ) : (
        <ul className="space-y-3" aria-label="Inbound numbers">
          {numbers.data?.map((n) => {
            const variables = Object.entries(n.variables ?? {});
            return (
              <li key={n.phone_number} className="card flex flex-col gap-3 md:flex-row md:items-center md:justify-between" data-inbound-number={n.phone_number}>
                <div className="min-w-0">
                  <p className="font-semibold">{n.phone_number}</p>
                  <p className="text-sm text-slate-600">
                    {n.agent_id ? (
                      <>
                        Answered by <b data-inbound-agent>{agentNames.get(n.agent_id) ?? n.agent_id}</b>
                      </>
                    ) : (
                      'No agent answers it'
                    )}{' '}
                    · allocated {formatDate(n.created_at)}
                  </p>
                  {variables.length > 0 && (
                    <p className="text-sm break-words text-slate-600" data-inbound-variables>
                      {variables.map(([k, v]) => `${k} = ${v}`).join(' · ')}
                    </p>
                  )}
                </div>
                <div className="flex flex-wrap gap-2">
                  <button
                    type="button"
                    className="btn-secondary"
                    onClick={() => setEditing(n)}
                    disabled={!agents.data}
                    aria-label={`${n.agent_id ? 'Edit' : 'Answer'} ${n.phone_number}`}
                  >
                    {n.agent_id ? 'Edit' : 'Answer'}
                  </button>
                  {n.agent_id && (
                    <button type="button" className="btn-secondary text-red-700" onClick={() => stopAnswering(n)} aria-label={`Stop answering ${n.phone_number}`}>
                      Stop answering
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <InboundNumbersPage />
    </Shell>
  );
}
