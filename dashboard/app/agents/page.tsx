'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Loading, PageHeader, formatDate } from '@/components/ui';
import { api } from '@/lib/api';
import { allAgents } from '@/lib/agents';
import type { Agent, Providers } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { AgentForm } from './AgentForm';

function AgentsPage() {
  const agents = useLoad(allAgents, []);
  const providers = useLoad(() => api<Providers>('/providers'), []);
  const [editing, setEditing] = useState<Agent | 'new' | null>(null);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  // A new HTTP tool's signing secret is in the save's answer only: shown here until dismissed, never again.
  const [secrets, setSecrets] = useState<{ agent: string; tool: string; secret: string }[]>([]);

  async function remove(a: Agent) {
    if (!window.confirm(`Delete the agent “${a.name}”?`)) return;
    setDeleteError(null);
    try {
      await api(`/agents/${a.id}`, { method: 'DELETE' });
      agents.setData((list) => list?.filter((x) => x.id !== a.id));
    } catch (e) {
      setDeleteError(e);
    }
  }

  return (
    <>
      <PageHeader title="Agents">
        {!editing && (
          <button className="btn-primary" type="button" onClick={() => setEditing('new')} disabled={!providers.data}>
            New agent
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={providers.error} onRetry={providers.reload} />
      {editing && providers.data && (
        <div className="mb-6">
          <AgentForm
            key={editing === 'new' ? 'new' : editing.id}
            agent={editing === 'new' ? undefined : editing}
            providers={providers.data}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              const kept = { ...saved, tools: saved.tools.map((t) => ({ ...t, secret: null })) };
              agents.setData((list) => [kept, ...(list ?? []).filter((x) => x.id !== saved.id)]);
              setSecrets(saved.tools.flatMap((t) => (t.secret ? [{ agent: saved.name, tool: t.name, secret: t.secret }] : [])));
              setEditing(null);
            }}
          />
        </div>
      )}
      {secrets.length > 0 && (
        <div role="status" aria-label="New tool secrets" className="mb-4 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">Copy these signing secrets now: they are not shown again. Your tool checks each request’s X-Signature with its secret.</p>
          <ul className="space-y-1">
            {secrets.map((s) => (
              <li key={`${s.agent}/${s.tool}`} className="break-all">
                {s.agent} · <b>{s.tool}</b>: <code data-tool-secret={s.tool}>{s.secret}</code>
              </li>
            ))}
          </ul>
          <button type="button" className="btn-secondary" onClick={() => setSecrets([])}>
            I have copied them
          </button>
        </div>
      )}
      <ErrorMessage error={deleteError} />
      <ErrorMessage error={agents.error} onRetry={agents.reload} />
      {agents.loading && !agents.data ? (
        <Loading label="Loading agents…" />
      ) : agents.data && agents.data.length === 0 ? (
        <Empty title="No agents yet">Create an agent to give it a voice, a language model and rules.</Empty>
      ) : (
        <ul className="grid gap-3 md:grid-cols-2" aria-label="Agents">
          {agents.data?.map((a) => (
            <li key={a.id} className="card flex flex-col gap-2" data-agent-id={a.id}>
              <div className="flex items-start justify-between gap-2">
                <h2 className="font-semibold break-words">{a.name}</h2>
                <span className="shrink-0 text-xs text-slate-500">{formatDate(a.updated_at)}</span>
              </div>
              <p className="text-sm text-slate-600">
                LLM <b>{a.llm.provider}</b>
                {a.llm.model ? ` (${a.llm.model})` : ''} · STT <b>{a.stt.provider}</b> · TTS <b>{a.tts.provider}</b>
                {a.tts.voice ? ` (${a.tts.voice})` : ''} · {a.rules.length} rule{a.rules.length === 1 ? '' : 's'}
                {a.tools?.length ? ` · ${a.tools.length} tool${a.tools.length === 1 ? '' : 's'}` : ''}
              </p>
              <div className="mt-auto flex flex-wrap gap-2">
                <Link className="btn-primary" href={`/talk/?agent=${a.id}`}>
                  Talk
                </Link>
                <button type="button" className="btn-secondary" onClick={() => setEditing(a)} aria-label={`Edit ${a.name}`}>
                  Edit
                </button>
                <button type="button" className="btn-secondary text-red-700" onClick={() => remove(a)} aria-label={`Delete ${a.name}`}>
                  Delete
                </button>
              </div>
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
      <AgentsPage />
    </Shell>
  );
}
