'use client';

import { Field } from '@/components/ui';
import { emptyTool, parseParameters, type ToolForm } from '@/lib/agentForm';
import type { AgentToolType } from '@/lib/types';

/**
 * The agent's tools. An http tool's parameters are a JSON Schema: text that is not JSON is flagged here, and the
 * API's schema error (`tools[i].parameters`) is shown beside the same field.
 */
export function ToolsFieldset({ tools, onChange, err }: { tools: ToolForm[]; onChange: (t: ToolForm[]) => void; err: (field: string) => string | undefined }) {
  const update = (i: number, patch: Partial<ToolForm>) => onChange(tools.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  const add = (type: AgentToolType) => onChange([...tools, emptyTool(type)]);
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-semibold">Tools</legend>
      <p className="text-xs text-slate-500">
        An HTTP tool receives the arguments as a signed POST and answers the result as JSON; an MCP tool offers every tool of a Model Context Protocol
        server. A new HTTP tool’s signing secret is shown once, after saving.
      </p>
      {err('tools') && <p className="text-sm text-red-700">{err('tools')}</p>}
      {tools.map((t, i) => {
        const f = `tools[${i}]`;
        const n = i + 1;
        return (
          <div key={i} className="space-y-3 rounded-md bg-slate-50 p-2" data-tool-index={i}>
            <div className="grid gap-3 md:grid-cols-[auto_1fr_1fr] md:items-start">
              <p className="pt-7 text-xs font-semibold uppercase text-slate-500">{t.type === 'http' ? 'HTTP' : 'MCP'}</p>
              <Field label={`Tool ${n} name`} error={err(`${f}.name`) ?? err(`${f}.type`) ?? err(f)}>
                {(p) => <input {...p} className="input font-mono" value={t.name} onChange={(e) => update(i, { name: e.target.value })} />}
              </Field>
              <Field label={`Tool ${n} URL`} error={err(`${f}.url`)}>
                {(p) => <input {...p} className="input" inputMode="url" value={t.url} onChange={(e) => update(i, { url: e.target.value })} />}
              </Field>
            </div>
            {t.type === 'http' ? (
              <>
                <Field label={`Tool ${n} description`} error={err(`${f}.description`)} hint="What the tool does, for the language model">
                  {(p) => <input {...p} className="input" value={t.description} onChange={(e) => update(i, { description: e.target.value })} />}
                </Field>
                <Field label={`Tool ${n} parameters`} error={parseParameters(t.parameters).error ?? err(`${f}.parameters`)} hint="A JSON Schema object for the arguments">
                  {(p) => (
                    <textarea {...p} className="input min-h-24 font-mono text-xs" spellCheck={false} value={t.parameters} onChange={(e) => update(i, { parameters: e.target.value })} />
                  )}
                </Field>
                <div className="grid gap-3 md:grid-cols-3">
                  <Field label={`Tool ${n} method`} error={err(`${f}.method`)}>
                    {(p) => (
                      <select {...p} className="input" value={t.method} onChange={(e) => update(i, { method: e.target.value })}>
                        {['POST', 'PUT', 'PATCH', 'GET', 'DELETE'].map((m) => (
                          <option key={m}>{m}</option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={`Tool ${n} timeout (ms)`} error={err(`${f}.timeout_ms`)} hint="5000 unless set; at most 30000">
                    {(p) => <input {...p} className="input" inputMode="numeric" value={t.timeout_ms} onChange={(e) => update(i, { timeout_ms: e.target.value })} />}
                  </Field>
                  <Field label={`Tool ${n} line while running`} error={err(`${f}.speak_while_running`)} hint="Said once if the tool takes a while">
                    {(p) => <input {...p} className="input" value={t.speak_while_running} onChange={(e) => update(i, { speak_while_running: e.target.value })} />}
                  </Field>
                </div>
              </>
            ) : (
              <Field label={`Tool ${n} headers`} error={err(`${f}.headers`)} hint="One “Name: value” per line, sent to the MCP server">
                {(p) => <textarea {...p} className="input min-h-16 font-mono text-xs" value={t.headers} onChange={(e) => update(i, { headers: e.target.value })} />}
              </Field>
            )}
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={t.cancel_on_barge_in} onChange={(e) => update(i, { cancel_on_barge_in: e.target.checked })} />
              Tool {n}: cancel it when the caller interrupts
            </label>
            <button type="button" className="btn-secondary" onClick={() => onChange(tools.filter((_, j) => j !== i))}>
              Remove tool {n}
            </button>
          </div>
        );
      })}
      <div className="flex flex-wrap gap-2">
        <button type="button" className="btn-secondary" onClick={() => add('http')}>
          Add HTTP tool
        </button>
        <button type="button" className="btn-secondary" onClick={() => add('mcp')}>
          Add MCP server
        </button>
      </div>
    </fieldset>
  );
}
