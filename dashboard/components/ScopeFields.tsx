'use client';

import { Field } from '@/components/ui';

interface Scope {
  agent_id: string;
  campaign_id: string;
}

interface Named {
  id: string;
  name: string;
}

/** The agent and campaign pickers that the call-log and analytics filters share. */
export function ScopeFields<T extends Scope>({
  draft,
  setDraft,
  agents,
  campaigns,
}: {
  draft: T;
  setDraft: (next: T) => void;
  agents?: Named[];
  campaigns?: Named[];
}) {
  return (
    <>
      <Field label="Agent">
        {(p) => (
          <select {...p} className="input" value={draft.agent_id} onChange={(e) => setDraft({ ...draft, agent_id: e.target.value })}>
            <option value="">All agents</option>
            {agents?.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Campaign">
        {(p) => (
          <select {...p} className="input" value={draft.campaign_id} onChange={(e) => setDraft({ ...draft, campaign_id: e.target.value })}>
            <option value="">All campaigns</option>
            {campaigns?.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
}
