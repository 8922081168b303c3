'use client';

import { useMemo, useState, type FormEvent } from 'react';
import { ErrorMessage, Field } from '@/components/ui';
import { api, ApiError } from '@/lib/api';
import { parseNumbers, withoutLines } from '@/lib/phoneNumbers';
import type { Agent, Campaign, CampaignRequest } from '@/lib/types';

export function CampaignForm({ agents, onSaved, onCancel }: { agents: Agent[]; onSaved: (c: Campaign) => void; onCancel: () => void }) {
  const [name, setName] = useState('');
  const [agentId, setAgentId] = useState(agents[0]?.id ?? '');
  const [numbersText, setNumbersText] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const parsed = useMemo(() => parseNumbers(numbersText), [numbersText]);

  async function upload(file: File | undefined) {
    if (!file) return;
    setFileName(file.name);
    setNumbersText(await file.text());
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (parsed.bad.length > 0) return;
    setBusy(true);
    setError(null);
    try {
      onSaved(await api<Campaign>('/campaigns', { method: 'POST', body: JSON.stringify({ name, agent_id: agentId, phone_numbers: parsed.numbers } satisfies CampaignRequest) }));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setBusy(false);
    }
  }

  const numbersError = error?.field('phone_numbers') ?? Object.entries(error?.errors ?? {}).find(([k]) => k.startsWith('phone_numbers['))?.[1][0];

  return (
    <form onSubmit={submit} noValidate className="card space-y-4" aria-labelledby="campaign-form-title">
      <h2 id="campaign-form-title" className="text-lg font-semibold">
        New campaign
      </h2>
      {error && Object.keys(error.errors).length === 0 && <ErrorMessage error={error} />}
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Campaign name" error={error?.field('name')}>
          {(p) => <input {...p} className="input" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Agent" error={error?.field('agent_id')}>
          {(p) => (
            <select {...p} className="input" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">Choose an agent…</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Phone numbers" error={numbersError} hint="One E.164 number per line (+14155550100), or a CSV with a phone column.">
        {(p) => <textarea {...p} className="input min-h-32 font-mono" value={numbersText} onChange={(e) => setNumbersText(e.target.value)} />}
      </Field>
      <Field label="Or upload a CSV file">
        {(p) => <input {...p} type="file" accept=".csv,text/csv,text/plain" className="block text-sm" onChange={(e) => upload(e.target.files?.[0])} />}
      </Field>
      <p className="text-sm text-slate-700" role="status">
        {fileName && <>From {fileName}: </>}
        {parsed.numbers.length} valid number{parsed.numbers.length === 1 ? '' : 's'}
        {parsed.duplicates > 0 && `, ${parsed.duplicates} duplicate${parsed.duplicates === 1 ? '' : 's'} left out`}
        {parsed.bad.length > 0 && `, ${parsed.bad.length} invalid`}
      </p>
      {parsed.bad.length > 0 && (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800" aria-label="Invalid numbers">
          <p className="font-medium">These lines are not E.164 numbers; fix or remove them before saving:</p>
          <ul className="mt-2 max-h-48 space-y-0.5 overflow-y-auto font-mono">
            {parsed.bad.slice(0, 200).map((b) => (
              <li key={b.line} data-bad-line={b.line}>
                Line {b.line}: {b.text.length > 60 ? `${b.text.slice(0, 60)}…` : b.text}
              </li>
            ))}
          </ul>
          {parsed.bad.length > 200 && <p className="mt-1">…and {parsed.bad.length - 200} more.</p>}
          <button
            type="button"
            className="btn-secondary mt-2"
            onClick={() => setNumbersText(withoutLines(numbersText, parsed.bad.map((b) => b.line)))}
          >
            Remove the invalid lines
          </button>
        </div>
      )}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={busy || parsed.bad.length > 0 || parsed.numbers.length === 0}>
          {busy ? 'Saving…' : 'Create campaign'}
        </button>
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
