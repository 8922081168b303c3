'use client';

import { useState, type FormEvent } from 'react';
import { Shell } from '@/components/Shell';
import { Checkboxes, CopyButton, Empty, ErrorMessage, Field, Loading, PageHeader, formatDate } from '@/components/ui';
import { api } from '@/lib/api';
import type { ApiKey, ApiKeyScope, NewApiKey } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { useSave } from '@/lib/useSave';

const scopes: { value: ApiKeyScope; label: string; hint: string }[] = [
  { value: 'read', label: 'Read', hint: 'GET requests: agents, campaigns, call logs, analytics.' },
  { value: 'write', label: 'Write', hint: 'Create, change and delete agents and campaigns.' },
  { value: 'calls', label: 'Calls', hint: 'Web-call tokens for browser callers, and dialing.' },
];

function NewKeyForm({ onCreated }: { onCreated: (key: NewApiKey) => void }) {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<ApiKeyScope[]>(['read']);
  const { saving, run, fieldError, formError } = useSave();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const created = await api<NewApiKey>('/api-keys', { method: 'POST', body: JSON.stringify({ name, scopes: chosen }) });
      setName('');
      onCreated(created);
    });
  }

  return (
    <form className="card mb-6 space-y-4" onSubmit={submit} aria-label="New API key" noValidate>
      <h2 className="font-semibold">New API key</h2>
      <p className="text-sm text-slate-600">
        For your own servers: send it as <code>Authorization: Bearer va_sk_…</code>. A key never manages members, keys or provider credentials.
      </p>
      <div className="sm:w-96">
        <Field label="Key name" error={fieldError('name')} hint="Where the key is used, e.g. “CRM sync”.">
          {(p) => <input {...p} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
      </div>
      <Checkboxes
        legend="Scopes"
        options={scopes.map((s) => ({
          value: s.value,
          label: (
            <>
              <span className="font-medium">{s.label}</span> <span className="text-slate-600">— {s.hint}</span>
            </>
          ),
        }))}
        chosen={chosen}
        onChange={setChosen}
        error={fieldError('scopes')}
      />
      <ErrorMessage error={formError} />
      <button type="submit" className="btn-primary" disabled={saving}>
        {saving ? 'Creating…' : 'Create key'}
      </button>
    </form>
  );
}

function ApiKeysPage() {
  const keys = useLoad(() => api<{ items: ApiKey[] }>('/api-keys').then((r) => r.items), []);
  // The secret is in the create answer only: shown here until dismissed, and never again.
  const [created, setCreated] = useState<NewApiKey | null>(null);
  const [revokeError, setRevokeError] = useState<unknown>(null);

  async function revoke(k: ApiKey) {
    if (!window.confirm(`Revoke the API key “${k.name}”? Servers using it are refused within seconds.`)) return;
    setRevokeError(null);
    try {
      await api(`/api-keys/${k.id}`, { method: 'DELETE' });
      await keys.reload();
    } catch (e) {
      setRevokeError(e);
    }
  }

  return (
    <>
      <PageHeader title="API keys" />
      <NewKeyForm
        onCreated={(k) => {
          setCreated(k);
          const { secret: _secret, ...listed } = k;
          keys.setData((list) => [listed, ...(list ?? [])]);
        }}
      />
      {created && (
        <div role="status" aria-label="New API key secret" className="mb-4 space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          <p className="font-medium">Copy the secret of “{created.name}” now: it is not shown again, and cannot be recovered.</p>
          <code className="block break-all rounded bg-white px-2 py-1 font-mono" data-api-key-secret>
            {created.secret}
          </code>
          <div className="flex flex-wrap items-center gap-2">
            <CopyButton text={created.secret} label="Copy secret" />
            <button type="button" className="btn-secondary py-1" onClick={() => setCreated(null)}>
              I have copied it
            </button>
          </div>
        </div>
      )}
      <ErrorMessage error={revokeError} />
      <ErrorMessage error={keys.error} onRetry={keys.reload} />
      {keys.loading && !keys.data ? (
        <Loading label="Loading API keys…" />
      ) : keys.data && keys.data.length === 0 ? (
        <Empty title="No API keys yet">Create one for each server that calls the API.</Empty>
      ) : (
        <ul className="space-y-2" aria-label="API keys">
          {keys.data?.map((k) => (
            <li key={k.id} className="card flex flex-col gap-2 sm:flex-row sm:items-center" data-api-key-id={k.id} data-revoked={Boolean(k.revoked_at)}>
              <div className="min-w-0 flex-1">
                <p className="font-medium">
                  {k.name}{' '}
                  {k.revoked_at && <span className="ml-1 rounded-full bg-slate-200 px-2 py-0.5 text-xs font-medium text-slate-700">revoked {formatDate(k.revoked_at)}</span>}
                </p>
                <p className="break-all text-sm text-slate-600">
                  <code>{k.prefix}…</code> · {k.scopes.join(', ')} · created {formatDate(k.created_at)} · last used {k.last_used_at ? formatDate(k.last_used_at) : 'never'}
                </p>
              </div>
              {!k.revoked_at && (
                <button type="button" className="btn-danger self-start sm:self-auto" onClick={() => revoke(k)}>
                  Revoke
                </button>
              )}
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
      <ApiKeysPage />
    </Shell>
  );
}
