'use client';

import { useState } from 'react';
import { ErrorMessage } from '@/components/ui';
import { api } from '@/lib/api';
import type { Campaign, CampaignStatus } from '@/lib/types';

const allowed: Record<CampaignStatus, ('start' | 'pause' | 'resume' | 'cancel')[]> = {
  draft: ['start', 'cancel'],
  running: ['pause', 'cancel'],
  paused: ['resume', 'cancel'],
  completed: [],
  cancelled: [],
};

/** Start, pause, resume and cancel, offered as the campaign's status allows. */
export function CampaignActions({ id, name, status, onChanged }: { id: string; name: string; status: CampaignStatus; onChanged: (c: Campaign) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function run(transition: string) {
    if (transition === 'cancel' && !window.confirm(`Cancel the campaign “${name}”? It cannot be restarted.`)) return;
    setBusy(true);
    setError(null);
    try {
      onChanged(await api<Campaign>(`/campaigns/${id}/${transition}`, { method: 'POST' }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      {allowed[status].map((t) => (
        <button
          key={t}
          type="button"
          disabled={busy}
          className={t === 'cancel' ? 'btn-secondary text-red-700' : 'btn-secondary'}
          onClick={() => run(t)}
          aria-label={`${t[0].toUpperCase()}${t.slice(1)} ${name}`}
        >
          {t[0].toUpperCase() + t.slice(1)}
        </button>
      ))}
      <ErrorMessage error={error} />
    </div>
  );
}
