'use client';

import { useState } from 'react';
import { ApiError } from './api';

/**
 * A form's save: whether it is running, the API's per-field errors (an array field's items, `origins[1]`, count for
 * the field) and what is left to show as the form's own error.
 */
export function useSave() {
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);

  async function run(work: () => Promise<void>) {
    setSaving(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  }

  const fieldError = (field: string) =>
    error instanceof ApiError ? (error.field(field) ?? Object.entries(error.errors).find(([k]) => k.startsWith(`${field}[`))?.[1][0]) : undefined;
  const formError = error instanceof ApiError && Object.keys(error.errors).length > 0 ? null : error;
  return { saving, run, fieldError, formError };
}
