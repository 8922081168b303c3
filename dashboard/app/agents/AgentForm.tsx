'use client';

import { useState, type FormEvent } from 'react';
import { ErrorMessage, Field } from '@/components/ui';
import { api, ApiError } from '@/lib/api';
import type { Agent, AgentRequest, AgentRule, ProviderInfo, Providers } from '@/lib/types';

interface FormState {
  name: string;
  system_prompt: string;
  first_message: string;
  language: string;
  llm_provider: string;
  llm_model: string;
  llm_temperature: string;
  stt_provider: string;
  stt_language: string;
  tts_provider: string;
  tts_voice: string;
  tts_speed: string;
  fallback_line: string;
  rules: AgentRule[];
}

function fromAgent(a?: Agent): FormState {
  return {
    name: a?.name ?? '',
    system_prompt: a?.system_prompt ?? '',
    first_message: a?.first_message ?? '',
    language: a?.language ?? 'en-US',
    llm_provider: a?.llm.provider ?? 'rules',
    llm_model: a?.llm.model ?? '',
    llm_temperature: a?.llm.temperature?.toString() ?? '',
    stt_provider: a?.stt.provider ?? 'local',
    stt_language: a?.stt.language ?? 'en-US',
    tts_provider: a?.tts.provider ?? 'local',
    tts_voice: a?.tts.voice ?? 'slt',
    tts_speed: a?.tts.speed?.toString() ?? '',
    fallback_line: a?.fallback_line ?? '',
    rules: a?.rules ?? [],
  };
}

const num = (s: string) => (s.trim() === '' ? null : Number(s));
const text = (s: string) => (s.trim() === '' ? null : s);

function toRequest(f: FormState): AgentRequest {
  return {
    name: f.name,
    system_prompt: f.system_prompt,
    first_message: text(f.first_message),
    language: text(f.language),
    llm: { provider: text(f.llm_provider), model: text(f.llm_model), temperature: num(f.llm_temperature) },
    stt: { provider: text(f.stt_provider), language: text(f.stt_language) },
    tts: { provider: text(f.tts_provider), voice: text(f.tts_voice), speed: num(f.tts_speed) },
    rules: f.rules,
    fallback_line: text(f.fallback_line),
  };
}

function optionValues(p: ProviderInfo | undefined, option: string): string[] {
  return p?.options.find((o) => o.name === option)?.values ?? [];
}

/** A text input with suggestions, or a select when the provider only takes the listed values. */
function OptionInput({
  provider,
  option,
  value,
  onChange,
  fieldProps,
}: {
  provider?: ProviderInfo;
  option: string;
  value: string;
  onChange: (v: string) => void;
  fieldProps: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string };
}) {
  const values = optionValues(provider, option);
  const closed = provider?.options.find((o) => o.name === option)?.closed;
  if (closed) {
    return (
      <select {...fieldProps} className="input" value={value} onChange={(e) => onChange(e.target.value)}>
        {!values.includes(value) && <option value={value}>{value || 'Choose…'}</option>}
        {values.map((v) => (
          <option key={v}>{v}</option>
        ))}
      </select>
    );
  }
  const listId = `${fieldProps.id}-list`;
  return (
    <>
      <input {...fieldProps} className="input" list={listId} value={value} onChange={(e) => onChange(e.target.value)} />
      <datalist id={listId}>
        {values.map((v) => (
          <option key={v} value={v} />
        ))}
      </datalist>
    </>
  );
}

export function AgentForm({ agent, providers, onSaved, onCancel }: { agent?: Agent; providers: Providers; onSaved: (a: Agent) => void; onCancel: () => void }) {
  const [f, setF] = useState<FormState>(() => fromAgent(agent));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((s) => ({ ...s, [k]: v }));
  const llm = providers.llm.find((p) => p.name === f.llm_provider);
  const stt = providers.stt.find((p) => p.name === f.stt_provider);
  const tts = providers.tts.find((p) => p.name === f.tts_provider);
  const err = (name: string) => error?.field(name);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = agent
        ? await api<Agent>(`/agents/${agent.id}`, { method: 'PUT', body: JSON.stringify(toRequest(f)) })
        : await api<Agent>('/agents', { method: 'POST', body: JSON.stringify(toRequest(f)) });
      onSaved(saved);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setBusy(false);
    }
  }

  const shownFields = new Set(['name', 'system_prompt', 'first_message', 'language', 'fallback_line', 'llm', 'llm.provider', 'llm.model', 'llm.temperature',
    'stt', 'stt.provider', 'stt.language', 'tts', 'tts.provider', 'tts.voice', 'tts.speed', 'rules']);
  const otherErrors = error
    ? Object.entries(error.errors).filter(([k]) => !shownFields.has(k) && !/^rules\[\d+\]/.test(k))
    : [];

  return (
    <form onSubmit={submit} noValidate className="card space-y-5" aria-labelledby="agent-form-title">
      <h2 id="agent-form-title" className="text-lg font-semibold">
        {agent ? `Edit ${agent.name}` : 'New agent'}
      </h2>
      {error && (
        <ErrorMessage error={Object.keys(error.errors).length ? new Error('Some fields need attention; see the messages beside them.') : error} />
      )}
      {otherErrors.length > 0 && (
        <ul className="list-inside list-disc text-sm text-red-700">
          {otherErrors.map(([k, v]) => (
            <li key={k}>
              {k} {v[0]}
            </li>
          ))}
        </ul>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="Name" error={err('name')}>
          {(p) => <input {...p} className="input" value={f.name} onChange={(e) => set('name', e.target.value)} />}
        </Field>
        <Field label="Language" error={err('language')} hint="BCP-47, e.g. en-US">
          {(p) => <input {...p} className="input" value={f.language} onChange={(e) => set('language', e.target.value)} />}
        </Field>
      </div>
      <Field label="System prompt" error={err('system_prompt')}>
        {(p) => <textarea {...p} className="input min-h-20" value={f.system_prompt} onChange={(e) => set('system_prompt', e.target.value)} />}
      </Field>
      <div className="grid gap-4 md:grid-cols-2">
        <Field label="First message" error={err('first_message')} hint="Said when the call connects (optional)">
          {(p) => <input {...p} className="input" value={f.first_message} onChange={(e) => set('first_message', e.target.value)} />}
        </Field>
        <Field label="Fallback line" error={err('fallback_line')} hint="Said when no rule matches (rules LLM)">
          {(p) => <input {...p} className="input" value={f.fallback_line} onChange={(e) => set('fallback_line', e.target.value)} />}
        </Field>
      </div>

      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-3 md:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Language model</legend>
        <Field label="LLM provider" error={err('llm.provider') ?? err('llm')}>
          {(p) => (
            <select {...p} className="input" value={f.llm_provider} onChange={(e) => set('llm_provider', e.target.value)}>
              <option value="">Choose…</option>
              {providers.llm.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="LLM model" error={err('llm.model')}>
          {(p) => <OptionInput provider={llm} option="model" value={f.llm_model} onChange={(v) => set('llm_model', v)} fieldProps={p} />}
        </Field>
        <Field label="Temperature" error={err('llm.temperature')}>
          {(p) => <input {...p} className="input" inputMode="decimal" value={f.llm_temperature} onChange={(e) => set('llm_temperature', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-3 md:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Speech</legend>
        <Field label="STT provider" error={err('stt.provider') ?? err('stt')}>
          {(p) => (
            <select {...p} className="input" value={f.stt_provider} onChange={(e) => set('stt_provider', e.target.value)}>
              <option value="">Choose…</option>
              {providers.stt.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="STT language" error={err('stt.language')}>
          {(p) => <OptionInput provider={stt} option="language" value={f.stt_language} onChange={(v) => set('stt_language', v)} fieldProps={p} />}
        </Field>
        <div className="hidden md:block" />
        <Field label="TTS provider" error={err('tts.provider') ?? err('tts')}>
          {(p) => (
            <select {...p} className="input" value={f.tts_provider} onChange={(e) => set('tts_provider', e.target.value)}>
              <option value="">Choose…</option>
              {providers.tts.map((x) => (
                <option key={x.name} value={x.name}>
                  {x.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="TTS voice" error={err('tts.voice')}>
          {(p) => <OptionInput provider={tts} option="voice" value={f.tts_voice} onChange={(v) => set('tts_voice', v)} fieldProps={p} />}
        </Field>
        <Field label="TTS speed" error={err('tts.speed')}>
          {(p) => <input {...p} className="input" inputMode="decimal" value={f.tts_speed} onChange={(e) => set('tts_speed', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">Rules</legend>
        <p className="text-xs text-slate-500">For the rules LLM: when every word of “match” is in what the caller said, the reply is spoken.</p>
        {err('rules') && <p className="text-sm text-red-700">{err('rules')}</p>}
        {f.rules.map((r, i) => (
          <div key={i} className="grid gap-3 rounded-md bg-slate-50 p-2 md:grid-cols-[1fr_2fr_auto_auto] md:items-end">
            <Field label={`Rule ${i + 1} match`} error={err(`rules[${i}].match`)}>
              {(p) => (
                <input {...p} className="input" value={r.match ?? ''} onChange={(e) => set('rules', f.rules.map((x, j) => (j === i ? { ...x, match: e.target.value } : x)))} />
              )}
            </Field>
            <Field label={`Rule ${i + 1} reply`} error={err(`rules[${i}].reply`)}>
              {(p) => (
                <input {...p} className="input" value={r.reply ?? ''} onChange={(e) => set('rules', f.rules.map((x, j) => (j === i ? { ...x, reply: e.target.value } : x)))} />
              )}
            </Field>
            <label className="flex items-center gap-2 pb-2 text-sm">
              <input
                type="checkbox"
                checked={r.hang_up ?? false}
                onChange={(e) => set('rules', f.rules.map((x, j) => (j === i ? { ...x, hang_up: e.target.checked } : x)))}
              />
              Hang up after
            </label>
            <button type="button" className="btn-secondary" onClick={() => set('rules', f.rules.filter((_, j) => j !== i))}>
              Remove rule {i + 1}
            </button>
          </div>
        ))}
        <button type="button" className="btn-secondary" onClick={() => set('rules', [...f.rules, { match: '', reply: '', hang_up: false }])}>
          Add rule
        </button>
      </fieldset>

      <div className="flex flex-wrap gap-2">
        <button type="submit" className="btn-primary" disabled={busy}>
          {busy ? 'Saving…' : agent ? 'Save changes' : 'Create agent'}
        </button>
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
