'use client';

import { useState } from 'react';
import { ErrorMessage, Field } from '@/components/ui';
import { parsePairs } from '@/lib/agentForm';
import { api, ApiError } from '@/lib/api';
import type { AgentPreview } from '@/lib/types';

/**
 * The system prompt and first message as a call would render them, over sample variables and the built-ins
 * (call.id, caller.phone_number, now...). It previews the form as it stands (POST /agents/preview with the draft), so
 * unsaved edits show; the draft's field errors go back to the form, beside their fields.
 */
export function AgentPreviewPanel({ draft, onInvalid }: { draft: () => unknown; onInvalid: (e: ApiError) => void }) {
  const [variables, setVariables] = useState('name = Ada');
  const [preview, setPreview] = useState<AgentPreview | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      setPreview(await api<AgentPreview>('/agents/preview', { method: 'POST', body: JSON.stringify({ variables: parsePairs(variables, '='), agent: draft() }) }));
    } catch (e) {
      const problem = e instanceof ApiError ? e : new ApiError(0, String(e));
      setPreview(null);
      const own = problem.field('variables') ?? problem.field('agent');
      if (own) setError(new ApiError(problem.status, own, problem.errors));
      else if (Object.keys(problem.errors).length) {
        setError(new ApiError(problem.status, 'The agent has fields that need attention; see the messages beside them.'));
        onInvalid(problem);
      } else setError(problem);
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" aria-label="Preview">
      <legend className="px-1 text-sm font-semibold">Preview</legend>
      <Field label="Sample variables" hint="One “name = value” per line, as a campaign contact or the call would give them">
        {(p) => <textarea {...p} className="input min-h-16 font-mono text-xs" value={variables} onChange={(e) => setVariables(e.target.value)} />}
      </Field>
      <button type="button" className="btn-secondary" onClick={run} disabled={busy}>
        {busy ? 'Rendering…' : 'Preview prompt'}
      </button>
      {error && <ErrorMessage error={/^[a-z]/.test(error.message) ? `Sample variables ${error.message}` : error.message} />}
      {preview && (
        <div className="space-y-2 text-sm" data-preview>
          <div>
            <p className="font-medium text-slate-700">System prompt</p>
            <pre className="whitespace-pre-wrap break-words rounded-md bg-slate-50 p-2 font-sans" data-preview-system-prompt>
              {preview.system_prompt}
            </pre>
          </div>
          <div>
            <p className="font-medium text-slate-700">First message</p>
            <p className="rounded-md bg-slate-50 p-2" data-preview-first-message>
              {preview.first_message ?? <span className="text-slate-500">No first message.</span>}
            </p>
          </div>
        </div>
      )}
    </fieldset>
  );
}
