'use client';

import { useState, type FormEvent } from 'react';
import { Field, FormErrors } from '@/components/ui';
import {
  callableTools,
  destinationToRequest,
  emptyDestination,
  emptyRule,
  num,
  parseParameters,
  ruleFromAgent,
  ruleToRequest,
  text,
  toolFromAgent,
  toolToRequest,
  type RuleForm,
  type ToolForm,
} from '@/lib/agentForm';
import { api, ApiError } from '@/lib/api';
import type { Agent, AgentKnowledgeBase, ProviderInfo, Providers, TransferDestination } from '@/lib/types';
import { AgentPreviewPanel } from './AgentPreviewPanel';
import { AnalysisFieldset, analysisFromAgent, analysisToRequest, type AnalysisForm } from './AnalysisFieldset';
import { KnowledgeBasesFieldset } from './KnowledgeBasesFieldset';
import { ToolsFieldset } from './ToolsFieldset';

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
  rules: RuleForm[];
  tools: ToolForm[];
  transfer_destinations: TransferDestination[];
  reprompt_after_s: string;
  reprompt_message: string;
  hangup_after_s: string;
  max_duration_s: string;
  max_duration_message: string;
  time_zone: string;
  voicemail: Agent['voicemail'];
  min_words: string;
  min_duration_ms: string;
  ignore_backchannels: boolean;
  backchannels: string;
  resume_after_ms: string;
  turn_mode: string;
  turn_wait_ms: string;
  turn_short_wait_ms: string;
  turn_long_wait_ms: string;
  hold_words: string;
  analysis: AnalysisForm;
  knowledge_bases: AgentKnowledgeBase[];
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
    rules: (a?.rules ?? []).map(ruleFromAgent),
    tools: (a?.tools ?? []).map(toolFromAgent),
    transfer_destinations: (a?.transfer_destinations ?? []).map((d) => ({ ...d, description: d.description ?? '', message: d.message ?? '' })),
    reprompt_after_s: a?.silence?.reprompt_after_s?.toString() ?? '',
    reprompt_message: a?.silence?.reprompt_message ?? '',
    hangup_after_s: a?.silence?.hangup_after_s?.toString() ?? '',
    max_duration_s: a?.max_duration_s?.toString() ?? '',
    max_duration_message: a?.max_duration_message ?? '',
    time_zone: a?.time_zone ?? '',
    voicemail: a?.voicemail ?? null,
    min_words: a?.interruption?.min_words?.toString() ?? '',
    min_duration_ms: a?.interruption?.min_duration_ms?.toString() ?? '',
    // null: the platform's backchannels; an empty list: none.
    ignore_backchannels: a?.interruption?.backchannels?.length !== 0,
    backchannels: (a?.interruption?.backchannels ?? []).join(', '),
    resume_after_ms: a?.interruption?.resume_after_ms?.toString() ?? '',
    turn_mode: a?.turn?.mode ?? '',
    turn_wait_ms: a?.turn?.wait_ms?.toString() ?? '',
    turn_short_wait_ms: a?.turn?.short_wait_ms?.toString() ?? '',
    turn_long_wait_ms: a?.turn?.long_wait_ms?.toString() ?? '',
    hold_words: (a?.turn?.hold_words ?? []).join(', '),
    analysis: analysisFromAgent(a),
    knowledge_bases: (a?.knowledge_bases ?? []).map((k) => ({ id: k.id, mode: k.mode })),
  };
}

function toRequest(f: FormState) {
  return {
    name: f.name,
    system_prompt: f.system_prompt,
    first_message: text(f.first_message),
    language: text(f.language),
    llm: { provider: text(f.llm_provider), model: text(f.llm_model), temperature: num(f.llm_temperature) },
    stt: { provider: text(f.stt_provider), language: text(f.stt_language) },
    tts: { provider: text(f.tts_provider), voice: text(f.tts_voice), speed: num(f.tts_speed) },
    rules: f.rules.map(ruleToRequest),
    fallback_line: text(f.fallback_line),
    // PUT replaces the whole agent: settings this form does not edit go back as they came.
    voicemail: f.voicemail,
    tools: f.tools.map(toolToRequest),
    transfer_destinations: f.transfer_destinations.map(destinationToRequest),
    silence:
      [f.reprompt_after_s, f.reprompt_message, f.hangup_after_s].some((x) => x.trim() !== '')
        ? { reprompt_after_s: num(f.reprompt_after_s), reprompt_message: text(f.reprompt_message), hangup_after_s: num(f.hangup_after_s) }
        : null,
    max_duration_s: num(f.max_duration_s),
    max_duration_message: text(f.max_duration_message),
    time_zone: text(f.time_zone),
    interruption:
      [f.min_words, f.min_duration_ms, f.backchannels, f.resume_after_ms].some((x) => x.trim() !== '') || !f.ignore_backchannels
        ? {
            min_words: num(f.min_words),
            min_duration_ms: num(f.min_duration_ms),
            backchannels: !f.ignore_backchannels ? [] : f.backchannels.trim() === '' ? null : f.backchannels.split(',').map((p) => p.trim()).filter((p) => p !== ''),
            resume_after_ms: num(f.resume_after_ms),
          }
        : null,
    turn:
      [f.turn_mode, f.turn_wait_ms, f.turn_short_wait_ms, f.turn_long_wait_ms, f.hold_words].some((x) => x.trim() !== '')
        ? {
            mode: text(f.turn_mode),
            wait_ms: num(f.turn_wait_ms),
            short_wait_ms: num(f.turn_short_wait_ms),
            long_wait_ms: num(f.turn_long_wait_ms),
            hold_words: f.hold_words.trim() === '' ? null : f.hold_words.split(',').map((w) => w.trim()).filter((w) => w !== ''),
          }
        : null,
    analysis: analysisToRequest(f.analysis),
    knowledge_bases: f.knowledge_bases,
  };
}

export type AgentRequest = ReturnType<typeof toRequest>;

/** The first error of a rule's arguments, naming the argument (the API keys them `….arguments.<name>`). */
function argumentError(error: ApiError | null, prefix: string): string | undefined {
  const hit = Object.entries(error?.errors ?? {}).find(([k]) => k === prefix || k.startsWith(`${prefix}.`));
  if (!hit) return undefined;
  const name = hit[0].slice(prefix.length + 1);
  return name ? `${name} ${hit[1][0]}` : hit[1][0];
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
    // Parameters that are not JSON are flagged beside their field; sending them would drop the schema.
    if (f.tools.some((t) => t.type === 'http' && parseParameters(t.parameters).error)) return;
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
    'stt', 'stt.provider', 'stt.language', 'tts', 'tts.provider', 'tts.voice', 'tts.speed', 'rules', 'tools', 'transfer_destinations', 'silence.reprompt_after_s', 'silence.reprompt_message', 'silence.hangup_after_s',
    'max_duration_s', 'max_duration_message', 'time_zone', 'interruption.min_words', 'interruption.min_duration_ms', 'interruption.backchannels', 'interruption.resume_after_ms',
    'turn.mode', 'turn.wait_ms', 'turn.short_wait_ms', 'turn.long_wait_ms', 'turn.hold_words']);
  const shown = (k: string) => shownFields.has(k) || /^(rules|tools|transfer_destinations)\[\d+\]/.test(k) || k === 'analysis' || k.startsWith('analysis.');
  const setRule = (i: number, patch: Partial<RuleForm>) => set('rules', f.rules.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const setDestination = (i: number, patch: Partial<TransferDestination>) =>
    set('transfer_destinations', f.transfer_destinations.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const tools = callableTools(f.tools);

  return (
    <form onSubmit={submit} noValidate className="card space-y-5" aria-labelledby="agent-form-title">
      <h2 id="agent-form-title" className="text-lg font-semibold">
        {agent ? `Edit ${agent.name}` : 'New agent'}
      </h2>
      <FormErrors error={error} shown={shown} />
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

      <ToolsFieldset tools={f.tools} onChange={(t) => set('tools', t)} err={err} />

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">Rules</legend>
        <p className="text-xs text-slate-500">
          For the rules LLM: a rule fires when every word of “match” is in what the caller said, when its regex matches (named groups become{' '}
          <code>{'{{ match.name }}'}</code>), or when the caller presses its keypad digits. It may call a tool first (argument values are templates, one
          “name = value” per line); its reply may use <code>{'{{ tool.result.… }}'}</code>.
        </p>
        {err('rules') && <p className="text-sm text-red-700">{err('rules')}</p>}
        {f.rules.map((r, i) => (
          <div key={i} className="space-y-3 rounded-md bg-slate-50 p-2" data-rule-index={i}>
            <div className="grid gap-3 md:grid-cols-3">
              <Field label={`Rule ${i + 1} match`} error={err(`rules[${i}].match`) ?? err(`rules[${i}]`)} hint="Words">
                {(p) => <input {...p} className="input" value={r.match} onChange={(e) => setRule(i, { match: e.target.value })} />}
              </Field>
              <Field label={`Rule ${i + 1} regex`} error={err(`rules[${i}].match_regex`)} hint="Or a .NET regular expression">
                {(p) => <input {...p} className="input font-mono" value={r.match_regex} onChange={(e) => setRule(i, { match_regex: e.target.value })} />}
              </Field>
              <Field label={`Rule ${i + 1} keypad`} error={err(`rules[${i}].dtmf`)} hint="Or digits pressed (* for any)">
                {(p) => <input {...p} className="input font-mono" value={r.dtmf} onChange={(e) => setRule(i, { dtmf: e.target.value })} />}
              </Field>
            </div>
            <div className="grid gap-3 md:grid-cols-[1fr_2fr]">
              <Field label={`Rule ${i + 1} calls tool`} error={err(`rules[${i}].call.tool`) ?? err(`rules[${i}].call`)}>
                {(p) => (
                  <select {...p} className="input" value={r.tool} onChange={(e) => setRule(i, { tool: e.target.value })}>
                    <option value="">No tool</option>
                    {!tools.includes(r.tool) && r.tool && <option value={r.tool}>{r.tool}</option>}
                    {tools.map((t) => (
                      <option key={t}>{t}</option>
                    ))}
                  </select>
                )}
              </Field>
              <Field
                label={`Rule ${i + 1} arguments`}
                error={argumentError(error, `rules[${i}].call.arguments`)}
                hint="name = {{ match.name }}"
              >
                {(p) => <textarea {...p} className="input min-h-10 font-mono text-xs" value={r.arguments} onChange={(e) => setRule(i, { arguments: e.target.value })} />}
              </Field>
            </div>
            <div className="grid gap-3 md:grid-cols-[1fr_auto_auto_auto] md:items-end">
              <Field label={`Rule ${i + 1} reply`} error={err(`rules[${i}].reply`)} hint={r.reply_from_knowledge ? 'Answered from the knowledge bases' : undefined}>
                {(p) => (
                  <input {...p} className="input" value={r.reply} disabled={r.reply_from_knowledge} onChange={(e) => setRule(i, { reply: e.target.value })} />
                )}
              </Field>
              <label className="flex items-center gap-2 pb-2 text-sm">
                <input
                  type="checkbox"
                  aria-label={`Rule ${i + 1}: answer from the knowledge bases`}
                  checked={r.reply_from_knowledge}
                  onChange={(e) => setRule(i, { reply_from_knowledge: e.target.checked })}
                />
                Answer from knowledge
              </label>
              <label className="flex items-center gap-2 pb-2 text-sm">
                <input type="checkbox" checked={r.hang_up} onChange={(e) => setRule(i, { hang_up: e.target.checked })} />
                Hang up after
              </label>
              <button type="button" className="btn-secondary" onClick={() => set('rules', f.rules.filter((_, j) => j !== i))}>
                Remove rule {i + 1}
              </button>
            </div>
          </div>
        ))}
        <button type="button" className="btn-secondary" onClick={() => set('rules', [...f.rules, emptyRule()])}>
          Add rule
        </button>
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">Transfer destinations</legend>
        <p className="text-xs text-slate-500">Where the agent may hand a phone caller with transfer_call; it says the hand-off line first.</p>
        {err('transfer_destinations') && <p className="text-sm text-red-700">{err('transfer_destinations')}</p>}
        {f.transfer_destinations.map((d, i) => (
          <div key={i} className="grid gap-3 rounded-md bg-slate-50 p-2 md:grid-cols-2" data-destination-index={i}>
            <Field label={`Destination ${i + 1} name`} error={err(`transfer_destinations[${i}].name`) ?? err(`transfer_destinations[${i}]`)}>
              {(p) => <input {...p} className="input" value={d.name ?? ''} onChange={(e) => setDestination(i, { name: e.target.value })} />}
            </Field>
            <Field label={`Destination ${i + 1} number`} error={err(`transfer_destinations[${i}].phone_number`)} hint="E.164, e.g. +14155550100">
              {(p) => <input {...p} className="input" inputMode="tel" value={d.phone_number ?? ''} onChange={(e) => setDestination(i, { phone_number: e.target.value })} />}
            </Field>
            <Field label={`Destination ${i + 1} description`} error={err(`transfer_destinations[${i}].description`)} hint="When to transfer here">
              {(p) => <input {...p} className="input" value={d.description ?? ''} onChange={(e) => setDestination(i, { description: e.target.value })} />}
            </Field>
            <Field label={`Destination ${i + 1} hand-off line`} error={err(`transfer_destinations[${i}].message`)}>
              {(p) => <input {...p} className="input" value={d.message ?? ''} onChange={(e) => setDestination(i, { message: e.target.value })} />}
            </Field>
            <div>
              <button type="button" className="btn-secondary" onClick={() => set('transfer_destinations', f.transfer_destinations.filter((_, j) => j !== i))}>
                Remove destination {i + 1}
              </button>
            </div>
          </div>
        ))}
        <button type="button" className="btn-secondary" onClick={() => set('transfer_destinations', [...f.transfer_destinations, emptyDestination()])}>
          Add destination
        </button>
      </fieldset>

      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-3 md:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Silence and duration</legend>
        <Field label="Reprompt after (s)" error={err('silence.reprompt_after_s')} hint="Seconds without the caller speaking">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.reprompt_after_s} onChange={(e) => set('reprompt_after_s', e.target.value)} />}
        </Field>
        <Field label="Reprompt message" error={err('silence.reprompt_message')}>
          {(p) => <input {...p} className="input" value={f.reprompt_message} onChange={(e) => set('reprompt_message', e.target.value)} />}
        </Field>
        <Field label="Hang up after (s)" error={err('silence.hangup_after_s')} hint="Ends the call with reason silence">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.hangup_after_s} onChange={(e) => set('hangup_after_s', e.target.value)} />}
        </Field>
        <Field label="Maximum duration (s)" error={err('max_duration_s')}>
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.max_duration_s} onChange={(e) => set('max_duration_s', e.target.value)} />}
        </Field>
        <Field label="Closing line at maximum duration" error={err('max_duration_message')}>
          {(p) => <input {...p} className="input" value={f.max_duration_message} onChange={(e) => set('max_duration_message', e.target.value)} />}
        </Field>
        <Field label="Time zone" error={err('time_zone')} hint="IANA, e.g. Europe/Paris, for {{ now }}">
          {(p) => <input {...p} className="input" value={f.time_zone} onChange={(e) => set('time_zone', e.target.value)} />}
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-3 md:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Interruptions</legend>
        <Field label="Minimum words" error={err('interruption.min_words')} hint="Words the caller must say to stop the agent (default 0)">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.min_words} onChange={(e) => set('min_words', e.target.value)} />}
        </Field>
        <Field label="Minimum speech (ms)" error={err('interruption.min_duration_ms')} hint="Default 200">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.min_duration_ms} onChange={(e) => set('min_duration_ms', e.target.value)} />}
        </Field>
        <Field label="Resume after (ms)" error={err('interruption.resume_after_ms')} hint="After an interruption with no words; 0 never resumes (default 1000)">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.resume_after_ms} onChange={(e) => set('resume_after_ms', e.target.value)} />}
        </Field>
        <label className="flex items-center gap-2 pb-2 text-sm">
          <input type="checkbox" checked={f.ignore_backchannels} onChange={(e) => set('ignore_backchannels', e.target.checked)} />
          Backchannels never interrupt
        </label>
        <Field label="Backchannels" error={err('interruption.backchannels')} hint="Comma-separated; blank: uh huh, mm-hmm, mhm, okay, ok, yeah, right">
          {(p) => (
            <input {...p} className="input" disabled={!f.ignore_backchannels} value={f.backchannels} onChange={(e) => set('backchannels', e.target.value)} />
          )}
        </Field>
      </fieldset>

      <fieldset className="grid gap-4 rounded-md border border-slate-200 p-3 md:grid-cols-3">
        <legend className="px-1 text-sm font-semibold">Turn taking</legend>
        <Field label="Turn end" error={err('turn.mode')} hint="Adaptive ends sooner after a complete sentence, later after 'and', 'um', a number">
          {(p) => (
            <select {...p} className="input" value={f.turn_mode} onChange={(e) => set('turn_mode', e.target.value)}>
              <option value="">Fixed (default)</option>
              <option value="fixed">Fixed</option>
              <option value="adaptive">Adaptive</option>
            </select>
          )}
        </Field>
        <Field label="Silence (ms)" error={err('turn.wait_ms')} hint="Fixed wait, 500 to 3000 (default 800)">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.turn_wait_ms} onChange={(e) => set('turn_wait_ms', e.target.value)} />}
        </Field>
        <Field label="Short wait (ms)" error={err('turn.short_wait_ms')} hint="Adaptive, after a complete sentence (default 300)">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.turn_short_wait_ms} onChange={(e) => set('turn_short_wait_ms', e.target.value)} />}
        </Field>
        <Field label="Long wait (ms)" error={err('turn.long_wait_ms')} hint="Adaptive, after a hold word (default 1500)">
          {(p) => <input {...p} className="input" inputMode="numeric" value={f.turn_long_wait_ms} onChange={(e) => set('turn_long_wait_ms', e.target.value)} />}
        </Field>
        <Field label="Hold words" error={err('turn.hold_words')} hint="Comma-separated; blank: the language's list (um, and, so, the, numbers…)">
          {(p) => <input {...p} className="input" value={f.hold_words} onChange={(e) => set('hold_words', e.target.value)} />}
        </Field>
      </fieldset>

      <AnalysisFieldset value={f.analysis} onChange={(v) => set('analysis', v)} err={err} />
      <KnowledgeBasesFieldset value={f.knowledge_bases} onChange={(v) => set('knowledge_bases', v)} error={err} />

      <AgentPreviewPanel draft={() => toRequest(f)} onInvalid={setError} />

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
