'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { Shell } from '@/components/Shell';
import { Checkboxes, CopyButton, Empty, ErrorMessage, Field, Loading, PageHeader, formatDate } from '@/components/ui';
import { allAgents } from '@/lib/agents';
import { api } from '@/lib/api';
import { config } from '@/lib/config';
import type { Agent, PublishableKey } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { useSave } from '@/lib/useSave';

const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The one tag a tenant pastes into their site: the widget from this dashboard's host, for one agent of the key. */
function embedSnippet(key: string, agentId: string): string {
  const src = `${window.location.origin}/widget/v1/voiceagents-widget.js`;
  return `<script src="${attr(src)}" data-publishable-key="${attr(key)}" data-agent-id="${attr(agentId)}" data-ws-url="${attr(config().voiceUrl)}"></script>`;
}

function NewKeyForm({ agents, onCreated }: { agents: Agent[]; onCreated: (key: PublishableKey) => void }) {
  const [name, setName] = useState('');
  const [agentIds, setAgentIds] = useState<string[]>(agents.length === 1 ? [agents[0].id] : []);
  const [origins, setOrigins] = useState('');
  const [perMinute, setPerMinute] = useState('');
  const { saving, run, fieldError, formError } = useSave();

  function submit(e: FormEvent) {
    e.preventDefault();
    const body = {
      name,
      agent_ids: agentIds,
      allowed_origins: origins
        .split(/[\s,]+/)
        .map((o) => o.trim())
        .filter(Boolean),
      ...(perMinute.trim() ? { calls_per_minute: Number(perMinute) } : {}),
    };
    void run(async () => {
      const created = await api<PublishableKey>('/publishable-keys', { method: 'POST', body: JSON.stringify(body) });
      setName('');
      setOrigins('');
      setPerMinute('');
      onCreated(created);
    });
  }

  return (
    <form className="card mb-6 space-y-4" onSubmit={submit} aria-label="New publishable key" noValidate>
      <h2 className="font-semibold">New publishable key</h2>
      <p className="text-sm text-slate-600">
        For the voice widget on a site with no server of its own. The key is public (it is in the page), so it works only for its agents and only
        from its allowed origins.
      </p>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Key name" error={fieldError('name')} hint="The site it is for, e.g. “Main website”.">
          {(p) => <input {...p} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Calls per minute" error={fieldError('calls_per_minute')} hint="Optional: the most calls a minute through this key.">
          {(p) => <input {...p} className="input" type="number" min={1} inputMode="numeric" value={perMinute} onChange={(e) => setPerMinute(e.target.value)} />}
        </Field>
      </div>
      <Field
        label="Allowed origins"
        error={fieldError('allowed_origins')}
        hint="One a line: scheme, host and port, as the browser sends them, e.g. https://www.example.com"
      >
        {(p) => <textarea {...p} className="input font-mono" rows={3} value={origins} onChange={(e) => setOrigins(e.target.value)} />}
      </Field>
      <Checkboxes
        legend="Agents"
        options={agents.map((a) => ({ value: a.id, label: a.name }))}
        chosen={agentIds}
        onChange={setAgentIds}
        error={fieldError('agent_ids')}
      />
      <ErrorMessage error={formError} />
      <button type="submit" className="btn-primary" disabled={saving}>
        {saving ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

function KeyCard({ k, agents, onDelete }: { k: PublishableKey; agents: Agent[]; onDelete: () => void }) {
  const name = (id: string) => agents.find((a) => a.id === id)?.name ?? id;
  return (
    <li className="card space-y-3" data-publishable-key-id={k.id}>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
        <div className="min-w-0 flex-1 text-sm">
          <p className="text-base font-medium">{k.name}</p>
          <p className="break-all">
            <code data-publishable-key>{k.key}</code>
          </p>
          <p className="break-all text-slate-600">
            Origins: {k.allowed_origins.join(', ')} · up to {k.calls_per_minute} calls a minute · created {formatDate(k.created_at)}
          </p>
        </div>
        <button type="button" className="btn-danger self-start" onClick={onDelete}>
          Delete
        </button>
      </div>
      <div className="space-y-2">
        {k.agent_ids.map((id) => {
          const snippet = embedSnippet(k.key, id);
          return (
            <div key={id} className="space-y-1">
              <p className="text-sm font-medium">Embed for {name(id)}</p>
              <pre className="overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-900 p-2 text-xs text-slate-100" data-embed-snippet={id}>
                {snippet}
              </pre>
              <CopyButton text={snippet} label={`Copy embed for ${name(id)}`} />
            </div>
          );
        })}
      </div>
    </li>
  );
}

function PublishableKeysPage() {
  const keys = useLoad(() => api<{ items: PublishableKey[] }>('/publishable-keys').then((r) => r.items), []);
  const agents = useLoad(allAgents, []);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  async function remove(k: PublishableKey) {
    if (!window.confirm(`Delete the publishable key “${k.name}”? Widgets using it stop working.`)) return;
    setDeleteError(null);
    try {
      await api(`/publishable-keys/${k.id}`, { method: 'DELETE' });
      keys.setData((list) => list?.filter((x) => x.id !== k.id));
    } catch (e) {
      setDeleteError(e);
    }
  }

  if ((keys.loading && !keys.data) || (agents.loading && !agents.data)) return <Loading label="Loading publishable keys…" />;
  return (
    <>
      <PageHeader title="Publishable keys" />
      <ErrorMessage error={agents.error} onRetry={agents.reload} />
      {agents.data?.length === 0 ? (
        <Empty title="No agent to publish">
          <Link className="underline" href="/agents/">
            Create an agent
          </Link>{' '}
          first.
        </Empty>
      ) : (
        agents.data && <NewKeyForm agents={agents.data} onCreated={(k) => keys.setData((list) => [k, ...(list ?? [])])} />
      )}
      <ErrorMessage error={deleteError} />
      <ErrorMessage error={keys.error} onRetry={keys.reload} />
      {keys.data && keys.data.length === 0 ? (
        <Empty title="No publishable keys yet">Create one to embed the voice widget on your site.</Empty>
      ) : (
        <ul className="space-y-3" aria-label="Publishable keys">
          {keys.data?.map((k) => <KeyCard key={k.id} k={k} agents={agents.data ?? []} onDelete={() => remove(k)} />)}
        </ul>
      )}
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <PublishableKeysPage />
    </Shell>
  );
}
