import type { CallLogDetail } from '@/lib/types';
import { formatDate } from '@/components/ui';

type Analysis = NonNullable<CallLogDetail['analysis']>;

const value = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The call's post-call analysis: how it was made, the summary, the schema's fields, the success verdict, or its error. */
export function AnalysisCard({ analysis }: { analysis: CallLogDetail['analysis'] }) {
  return (
    <section className="card mb-4" aria-labelledby="analysis-title" data-call-analysis>
      <h2 id="analysis-title" className="mb-2 font-semibold">
        Analysis
        {analysis && (
          <span className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-xs font-normal text-slate-600" data-analysis-kind>
            {analysis.kind === 'extractive' ? 'extractive (offline)' : 'LLM'}
          </span>
        )}
      </h2>
      {!analysis ? (
        <p className="text-sm text-slate-600">No analysis for this call (yet): it runs after the call is stored, when the agent has an analysis setting.</p>
      ) : (
        <AnalysisBody analysis={analysis} />
      )}
    </section>
  );
}

function AnalysisBody({ analysis }: { analysis: Analysis }) {
  const fields = Object.entries(analysis.data ?? {});
  return (
    <div className="space-y-2 text-sm">
      {analysis.error && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-red-800" data-analysis-error>
          {analysis.error}
        </p>
      )}
      {analysis.success && (
        <p data-analysis-success={analysis.success.verdict ? 'true' : 'false'}>
          <span className={`mr-2 rounded px-2 py-0.5 text-xs font-semibold ${analysis.success.verdict ? 'bg-green-100 text-green-800' : 'bg-amber-100 text-amber-800'}`}>
            {analysis.success.verdict ? 'Success' : 'Not a success'}
          </span>
          {analysis.success.reason}
        </p>
      )}
      {analysis.summary && <p data-analysis-summary>{analysis.summary}</p>}
      {fields.length > 0 && (
        <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1" aria-label="Analysis fields">
          {fields.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="font-mono text-xs text-slate-500">{k}</dt>
              <dd className="break-all" data-analysis-field={k}>
                {value(v)}
              </dd>
            </div>
          ))}
        </dl>
      )}
      <p className="text-xs text-slate-500">Analysed {formatDate(analysis.analyzed_at)}</p>
    </div>
  );
}
