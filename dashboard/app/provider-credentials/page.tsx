'use client';

import { useState, type FormEvent } from 'react';
import { Shell } from '@/components/Shell';
import { ErrorMessage, Field, Loading, PageHeader, formatDate } from '@/components/ui';
import { api, ApiError } from '@/lib/api';
import type { ProviderCredential, ProviderCredentialList, ProviderKeyStatus, Providers } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';

const labels: Record<string, string> = {
  openai: 'OpenAI',
  anthropic: 'Anthropic',
  openai_compatible: 'OpenAI-compatible server',
  deepgram: 'Deepgram',
  google: 'Google',
  ai4bharat: 'AI4Bharat',
  cartesia: 'Cartesia',
  twilio: 'Twilio subaccount',
};

const needsBaseUrl = (p: string) => p === 'openai_compatible' || p === 'ai4bharat';

function KeyForm({ provider, onSaved, onCancel }: { provider: string; onSaved: () => void; onCancel: () => void }) {
  const [apiKey, setApiKey] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [accountSid, setAccountSid] = useState('');
  const [fromNumber, setFromNumber] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const fieldError = (name: string) => (error instanceof ApiError ? error.field(name) : undefined);

  async function save(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await api<ProviderCredential>(`/provider-credentials/${provider}`, {
        method: 'PUT',
        body: JSON.stringify({
          api_key: apiKey,
          base_url: needsBaseUrl(provider) && baseUrl ? baseUrl : undefined,
          account_sid: provider === 'twilio' ? accountSid : undefined,
          from_number: provider === 'twilio' && fromNumber ? fromNumber : undefined,
        }),
      });
      onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form onSubmit={save} className="mt-3 space-y-3" aria-label={`${labels[provider] ?? provider} key`}>
      <Field label={provider === 'twilio' ? 'Auth token' : 'API key'} error={fieldError('api_key')} hint="Stored encrypted; only its last four characters are shown again.">
        {(p) => <input {...p} type="password" autoComplete="off" className="input" value={apiKey} onChange={(e) => setApiKey(e.target.value)} />}
      </Field>
      {needsBaseUrl(provider) && (
        <Field label="Base URL" error={fieldError('base_url')} hint={provider === 'openai_compatible' ? 'The API root, e.g. https://llm.example.com/v1' : 'Your self-hosted server (optional)'}>
          {(p) => <input {...p} type="url" className="input" value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />}
        </Field>
      )}
      {provider === 'twilio' && (
        <Field label="Account SID" error={fieldError('account_sid')} hint="AC followed by 32 hexadecimal digits">
          {(p) => <input {...p} className="input" value={accountSid} onChange={(e) => setAccountSid(e.target.value)} />}
        </Field>
      )}
      {provider === 'twilio' && (
        <Field label="Caller ID" error={fieldError('from_number')} hint="A number of this account, in E.164 (+14155550100); your campaigns call from it">
          {(p) => <input {...p} type="tel" className="input" value={fromNumber} onChange={(e) => setFromNumber(e.target.value)} />}
        </Field>
      )}
      {error && !(error instanceof ApiError && Object.keys(error.errors).length > 0) ? <ErrorMessage error={error} /> : null}
      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save key'}
        </button>
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function ProviderRow({ status, credential, onChanged }: { status: ProviderKeyStatus; credential?: ProviderCredential; onChanged: () => void }) {
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const name = labels[status.provider] ?? status.provider;

  async function remove() {
    setError(null);
    try {
      await api<void>(`/provider-credentials/${status.provider}`, { method: 'DELETE' });
      setConfirming(false);
      onChanged();
    } catch (err) {
      setError(err);
    }
  }

  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4" data-provider={status.provider}>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <h2 className="font-medium text-slate-900">{name}</h2>
          {credential ? (
            <p className="text-sm text-slate-600">
              Your key <span className="font-mono">…{credential.last4}</span> ·{' '}
              <span className={credential.verified ? 'text-green-700' : 'text-amber-700'}>{credential.verified ? 'verified' : 'not verified'}</span> · updated{' '}
              {formatDate(credential.updated_at)}
            </p>
          ) : (
            <p className={`text-sm ${status.usable ? 'text-slate-600' : 'text-red-700'}`}>
              {status.usable ? 'No key of yours: calls use the platform’s key.' : 'No key of yours, and the platform’s may not be used: calls with it are refused.'}
            </p>
          )}
        </div>
        <div className="flex flex-wrap gap-2">
          <button type="button" className="btn-secondary" onClick={() => setEditing((e) => !e)} aria-expanded={editing}>
            {credential ? 'Replace key' : 'Set key'}
          </button>
          {credential &&
            (confirming ? (
              <button type="button" className="btn-danger" onClick={remove}>
                Confirm delete
              </button>
            ) : (
              <button type="button" className="btn-secondary" onClick={() => setConfirming(true)}>
                Delete
              </button>
            ))}
        </div>
      </div>
      <ErrorMessage error={error} />
      {editing && (
        <KeyForm
          provider={status.provider}
          onCancel={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            onChanged();
          }}
        />
      )}
    </li>
  );
}

function ProviderCredentialsPage() {
  const data = useLoad(async () => {
    const [providers, credentials] = await Promise.all([api<Providers>('/providers'), api<ProviderCredentialList>('/provider-credentials')]);
    return { keys: providers.keys, credentials: credentials.items };
  }, []);

  return (
    <>
      <PageHeader title="Provider keys" />
      <p className="mb-4 text-sm text-slate-600">
        Your own vendor keys: your calls use them instead of the platform’s. Admins only. A key is never shown again after you save it.
      </p>
      {data.loading && !data.data ? <Loading /> : null}
      <ErrorMessage error={data.error} onRetry={data.reload} />
      {data.data && (
        <ul className="space-y-3">
          {data.data.keys.map((k) => (
            <ProviderRow key={k.provider} status={k} credential={data.data!.credentials.find((c) => c.provider === k.provider)} onChanged={data.reload} />
          ))}
        </ul>
      )}
    </>
  );
}

export default function Page() {
  return (
    <Shell>
      <ProviderCredentialsPage />
    </Shell>
  );
}
