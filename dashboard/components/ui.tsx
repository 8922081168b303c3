'use client';

import { useId, useState, type ReactNode } from 'react';
import type { ApiError } from '@/lib/api';

/** A labelled form field with its error (from the API's per-field errors) right under it. */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string;
  hint?: string;
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700" data-field-error>
          {/* The API words its messages to follow the field's name ("is required."). */}
          {/^[a-z]/.test(error) ? `${label} ${error}` : error}
        </p>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div role="status" className="flex items-center gap-2 py-6 text-sm text-slate-600">
      <span className="h-4 w-4 animate-spin rounded-full border-2 border-slate-300 border-t-brand-600" aria-hidden />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center">
      <p className="font-medium text-slate-800">{title}</p>
      {children && <div className="mt-2 text-sm text-slate-600">{children}</div>}
    </div>
  );
}

export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div role="alert" data-error className="flex flex-wrap items-center gap-3 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <span>{message}</span>
      {onRetry && (
        <button type="button" className="btn-secondary py-1" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

/**
 * A form's failed save: one line on top (pointing to the fields when the API named some), then the field errors
 * that no field of the form shows, so none is lost.
 */
export function FormErrors({ error, shown }: { error: ApiError | null; shown: (field: string) => boolean }) {
  if (!error) return null;
  const other = Object.entries(error.errors).filter(([k]) => !shown(k));
  return (
    <>
      <ErrorMessage error={Object.keys(error.errors).length ? new Error('Some fields need attention; see the messages beside them.') : error} />
      {other.length > 0 && (
        <ul className="list-inside list-disc text-sm text-red-700">
          {other.map(([k, v]) => (
            <li key={k}>
              {k} {v[0]}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

const statusColours: Record<string, string> = {
  completed: 'bg-green-100 text-green-800',
  running: 'bg-blue-100 text-blue-800',
  in_progress: 'bg-blue-100 text-blue-800',
  paused: 'bg-amber-100 text-amber-800',
  draft: 'bg-slate-100 text-slate-700',
  failed: 'bg-red-100 text-red-800',
  cancelled: 'bg-slate-200 text-slate-700',
  no_answer: 'bg-amber-100 text-amber-800',
  busy: 'bg-amber-100 text-amber-800',
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-block rounded-full px-2 py-0.5 text-xs font-medium ${statusColours[status] ?? 'bg-slate-100'}`}>
      {status.replace('_', ' ')}
    </span>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
      <h1 className="text-xl font-semibold text-slate-900 sm:text-2xl">{title}</h1>
      {children && <div className="flex flex-wrap gap-2">{children}</div>}
    </div>
  );
}

export function formatDate(iso?: string | null): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatMs(ms?: number | null): string {
  return ms === null || ms === undefined ? '—' : `${Math.round(ms)} ms`;
}

export function formatSeconds(s?: number | null): string {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** Copies a text (a secret, an embed snippet) to the clipboard and says whether it worked. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className="btn-secondary py-1"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(text);
            setState('copied');
          } catch {
            setState('failed');
          }
        }}
      >
        {label}
      </button>
      <span role="status" className="text-xs text-slate-600">
        {state === 'copied' && 'Copied.'}
        {state === 'failed' && 'The browser refused the clipboard: select the text and copy it.'}
      </span>
    </span>
  );
}

/** A group of checkboxes under a legend, with the API's error for the whole group under it. */
export function Checkboxes<T extends string>({
  legend,
  options,
  chosen,
  onChange,
  error,
}: {
  legend: string;
  options: { value: T; label: ReactNode }[];
  chosen: T[];
  onChange: (next: T[]) => void;
  error?: string;
}) {
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      {options.map((o) => (
        <label key={o.value} className="flex items-start gap-2 text-sm">
          <input
            type="checkbox"
            className="mt-1"
            checked={chosen.includes(o.value)}
            onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))}
          />
          <span>{o.label}</span>
        </label>
      ))}
      {error && (
        <p className="text-sm text-red-700" data-field-error>
          {/^[a-z]/.test(error) ? `${legend} ${error}` : error}
        </p>
      )}
    </fieldset>
  );
}
