'use client';

import { ErrorMessage } from '@/components/ui';
import { api } from '@/lib/api';
import type { AgentKnowledgeBase, KnowledgeBase, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';

const modes = [
  { value: 'context', label: 'In context: the best passages join each reply' },
  { value: 'tool', label: 'As a tool: the model searches when it needs to' },
];

/** The agent form's knowledge base picker: which of the organization's knowledge bases the agent answers from, and how. */
export function KnowledgeBasesFieldset({
  value,
  onChange,
  error,
}: {
  value: AgentKnowledgeBase[];
  onChange: (v: AgentKnowledgeBase[]) => void;
  error: (field: string) => string | undefined;
}) {
  const list = useLoad(() => api<Page<KnowledgeBase>>('/knowledge-bases?limit=200').then((r) => r.items), []);
  const chosen = (id: string) => value.find((k) => k.id === id);
  const fieldError =
    value.map((_, i) => error(`knowledge_bases[${i}].id`) ?? error(`knowledge_bases[${i}].mode`)).find(Boolean) ?? error('knowledge_bases');

  return (
    <fieldset className="space-y-2 rounded-md border border-slate-200 p-3" aria-label="Knowledge bases">
      <legend className="px-1 text-sm font-semibold">Knowledge bases</legend>
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.data && list.data.length === 0 && (
        <p className="text-sm text-slate-600">
          No knowledge bases yet: create one on the <a className="underline" href="/knowledge-bases/">Knowledge bases</a> page.
        </p>
      )}
      {list.data?.map((kb) => {
        const picked = chosen(kb.id);
        return (
          <div key={kb.id} className="flex flex-col gap-2 sm:flex-row sm:items-center" data-agent-knowledge-base={kb.id}>
            <label className="flex min-w-0 flex-1 items-center gap-2 text-sm">
              <input
                type="checkbox"
                checked={Boolean(picked)}
                onChange={(e) => onChange(e.target.checked ? [...value, { id: kb.id, mode: 'context' }] : value.filter((k) => k.id !== kb.id))}
              />
              <span className="break-words">{kb.name}</span>
            </label>
            {picked && (
              <select
                className="input sm:w-96"
                aria-label={`How the agent uses ${kb.name}`}
                value={picked.mode ?? 'context'}
                onChange={(e) => onChange(value.map((k) => (k.id === kb.id ? { ...k, mode: e.target.value } : k)))}
              >
                {modes.map((m) => (
                  <option key={m.value} value={m.value}>
                    {m.label}
                  </option>
                ))}
              </select>
            )}
          </div>
        );
      })}
      {fieldError && (
        <p className="text-sm text-red-700" data-field-error>
          Knowledge bases: {fieldError}
        </p>
      )}
    </fieldset>
  );
}
