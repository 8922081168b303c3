import { Field } from '@/components/ui';
import type { Agent } from '@/lib/types';

/** The post-call analysis as the form edits it: JSON and `property = regex` lines as text, checked by the API on save. */
export interface AnalysisForm {
  enabled: boolean;
  summary: 'on' | 'off' | 'prompt';
  summary_prompt: string;
  data: string;
  success: string;
  extract: string;
}

export function analysisFromAgent(a?: Agent): AnalysisForm {
  const x = a?.analysis;
  const summary = x?.summary;
  return {
    enabled: Boolean(x),
    summary: typeof summary === 'string' ? 'prompt' : summary === false ? 'off' : 'on',
    summary_prompt: typeof summary === 'string' ? summary : '',
    data: x?.data ? JSON.stringify(x.data, null, 2) : '',
    success: x?.success ?? '',
    extract: Object.entries(x?.extract ?? {})
      .map(([k, v]) => `${k} = ${v}`)
      .join('\n'),
  };
}

/** The request's `analysis`, or null when off. JSON that does not parse goes as text, for the API to name the field. */
export function analysisToRequest(f: AnalysisForm) {
  if (!f.enabled) return null;
  let data: unknown = null;
  if (f.data.trim() !== '') {
    try {
      data = JSON.parse(f.data);
    } catch {
      data = f.data;
    }
  }
  const extract = Object.fromEntries(
    f.extract
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
      .map((line) => {
        const at = line.indexOf('=');
        return at < 0 ? [line, ''] : [line.slice(0, at).trim(), line.slice(at + 1).trim()];
      }),
  );
  return {
    summary: f.summary === 'prompt' ? f.summary_prompt : f.summary === 'on',
    data,
    success: f.success.trim() === '' ? null : f.success,
    extract,
  };
}

export function AnalysisFieldset({ value, onChange, err }: { value: AnalysisForm; onChange: (v: AnalysisForm) => void; err: (field: string) => string | undefined }) {
  const set = <K extends keyof AnalysisForm>(k: K, v: AnalysisForm[K]) => onChange({ ...value, [k]: v });
  const whole = err('analysis');
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3" data-analysis-fieldset>
      <legend className="px-1 text-sm font-semibold">Post-call analysis</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={value.enabled} onChange={(e) => set('enabled', e.target.checked)} />
        Analyse each call after it ends
      </label>
      {whole && <p className="text-sm text-red-700">{whole}</p>}
      {value.enabled && (
        <div className="grid gap-4 md:grid-cols-2">
          <Field label="Summary" error={err('analysis.summary')}>
            {(p) => (
              <select {...p} className="input" value={value.summary} onChange={(e) => set('summary', e.target.value as AnalysisForm['summary'])}>
                <option value="on">On</option>
                <option value="off">Off</option>
                <option value="prompt">With my own prompt</option>
              </select>
            )}
          </Field>
          {value.summary === 'prompt' ? (
            <Field label="Summary prompt" error={err('analysis.summary')}>
              {(p) => <input {...p} className="input" value={value.summary_prompt} onChange={(e) => set('summary_prompt', e.target.value)} />}
            </Field>
          ) : (
            <div />
          )}
          <Field label="Data (JSON Schema)" error={err('analysis.data')} hint='An object schema, e.g. {"type":"object","properties":{"party_size":{"type":"string"}}}'>
            {(p) => <textarea {...p} className="input min-h-24 font-mono text-xs" value={value.data} onChange={(e) => set('data', e.target.value)} />}
          </Field>
          <Field
            label="Extract (offline rules agents)"
            error={firstExtractError(err, value.extract)}
            hint="One per line: property = regex with one capture group, e.g. party_size = table for (\w+)"
          >
            {(p) => <textarea {...p} className="input min-h-24 font-mono text-xs" value={value.extract} onChange={(e) => set('extract', e.target.value)} />}
          </Field>
          <Field label="Success criteria" error={err('analysis.success')} hint="In words; the analysis gives a verdict and a reason">
            {(p) => <input {...p} className="input" value={value.success} onChange={(e) => set('success', e.target.value)} />}
          </Field>
        </div>
      )}
    </fieldset>
  );
}

/** The API names an extract error `analysis.extract.<property>`: the first one, with its property. */
function firstExtractError(err: (field: string) => string | undefined, extract: string): string | undefined {
  for (const line of extract.split('\n')) {
    const name = line.split('=')[0]?.trim();
    const e = name ? err(`analysis.extract.${name}`) : undefined;
    if (e) return `${name}: ${e}`;
  }
  return undefined;
}
