'use client';

import { useId, useState, type FormEvent } from 'react';
import { Field, FormErrors } from '@/components/ui';
import { api, ApiError } from '@/lib/api';
import type { Agent, InboundNumber, InboundNumberRequest } from '@/lib/types';

interface Variable {
  name: string;
  value: string;
}

/** The API's limits on a call's variables (core CallVariables); the API checks them, this only says them. */
const MaxVariables = 50;
const MaxBytes = 1024;

function toRows(variables: InboundNumber['variables']): Variable[] {
  return Object.entries(variables ?? {}).map(([name, value]) => ({ name, value }));
}

/** Rows left wholly blank are dropped; a name left blank with a value is sent, for the API to refuse. */
function toVariables(rows: Variable[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.name.trim() !== '' || r.value !== '') out[r.name.trim()] = r.value;
  return out;
}

/**
 * Lets an agent answer one of the organization's numbers, with the variables its calls start with. Numbers are
 * allocated by the operator: a new mapping picks one that no agent answers yet.
 */
export function InboundNumberForm({
  number,
  unanswered,
  agents,
  onSaved,
  onCancel,
}: {
  number?: InboundNumber;
  unanswered: string[];
  agents: Agent[];
  onSaved: (n: InboundNumber) => void;
  onCancel: () => void;
}) {
  const [phoneNumber, setPhoneNumber] = useState(number?.phone_number ?? unanswered[0] ?? '');
  const [agentId, setAgentId] = useState(number?.agent_id ?? agents[0]?.id ?? '');
  const [rows, setRows] = useState<Variable[]>(() => toRows(number?.variables));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const variablesId = useId();
  const setRow = (i: number, patch: Partial<Variable>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: InboundNumberRequest = { agent_id: agentId, variables: toVariables(rows) };
      onSaved(await api<InboundNumber>(`/inbound-numbers/${encodeURIComponent(phoneNumber)}`, { method: 'PUT', body: JSON.stringify(body) }));
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setBusy(false);
    }
  }

  const variablesError = error?.field('variables');
  // The API names the variable that breaks a limit ("variable 'notes' is longer than 1024 bytes"): mark its row.
  const badName = variablesError ? /variable(?: name)? '([^']*)'/.exec(variablesError)?.[1] : undefined;

  return (
    <form onSubmit={submit} noValidate className="card space-y-4" aria-labelledby="inbound-form-title">
      <h2 id="inbound-form-title" className="text-lg font-semibold break-words">
        {number ? `Edit ${number.phone_number}` : 'Answer a number'}
      </h2>
      <FormErrors error={error} shown={(k) => ['phone_number', 'agent_id', 'variables'].includes(k)} />
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Number" error={error?.field('phone_number')} hint={number ? undefined : 'Numbers your operator allocated that no agent answers yet'}>
          {(p) =>
            number ? (
              <input {...p} className="input" value={phoneNumber} readOnly />
            ) : (
              <select {...p} className="input" value={phoneNumber} onChange={(e) => setPhoneNumber(e.target.value)}>
                {unanswered.map((n) => (
                  <option key={n}>{n}</option>
                ))}
              </select>
            )
          }
        </Field>
        <Field label="Agent" error={error?.field('agent_id')} hint="Answers every call to this number">
          {(p) => (
            <select {...p} className="input" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              {!agents.some((a) => a.id === agentId) && <option value={agentId}>{agentId || 'Choose…'}</option>}
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" aria-describedby={`${variablesId}-hint${variablesError ? ` ${variablesId}-error` : ''}`}>
        <legend className="px-1 text-sm font-semibold">Variables</legend>
        <p id={`${variablesId}-hint`} className="text-xs text-slate-500">
          Every call to this number starts with these; the agent’s templates read them as <code>{'{{ name }}'}</code>. Text only, at most {MaxVariables}{' '}
          variables, each name and value at most {MaxBytes / 1024} KB.
        </p>
        {variablesError && (
          <p id={`${variablesId}-error`} className="text-sm text-red-700" data-field-error>
            {variablesError.charAt(0).toUpperCase() + variablesError.slice(1)}
          </p>
        )}
        {rows.map((r, i) => {
          const bad = badName !== undefined && badName === r.name.trim();
          return (
            <div key={i} className="grid gap-2 rounded-md bg-slate-50 p-2 md:grid-cols-[1fr_2fr_auto] md:items-end" data-variable-index={i}>
              <Field label={`Variable ${i + 1} name`}>
                {(p) => <input {...p} aria-invalid={bad} className="input font-mono" value={r.name} onChange={(e) => setRow(i, { name: e.target.value })} />}
              </Field>
              <Field label={`Variable ${i + 1} value`}>
                {(p) => <input {...p} aria-invalid={bad} className="input" value={r.value} onChange={(e) => setRow(i, { value: e.target.value })} />}
              </Field>
              <button type="button" className="btn-secondary" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                Remove variable {i + 1}
              </button>
            </div>
          );
        })}
        <button type="button" className="btn-secondary" onClick={() => setRows((rs) => [...rs, { name: '', value: '' }])}>
          Add variable
        </button>
      </fieldset>

      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={busy || !phoneNumber}>
          {busy ? 'Saving…' : 'Save number'}
        </button>
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
