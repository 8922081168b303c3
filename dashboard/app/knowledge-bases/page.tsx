'use client';

import { useState, type FormEvent } from 'react';
import { Shell } from '@/components/Shell';
import { Empty, ErrorMessage, Field, Loading, PageHeader, formatDate } from '@/components/ui';
import { api } from '@/lib/api';
import type { KnowledgeBase, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { useSave } from '@/lib/useSave';
import { KnowledgeBasePanel } from './KnowledgeBasePanel';

function NewKnowledgeBaseForm({ onCreated }: { onCreated: (kb: KnowledgeBase) => void }) {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { saving, run, fieldError, formError } = useSave();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const created = await api<KnowledgeBase>('/knowledge-bases', { method: 'POST', body: JSON.stringify({ name, description }) });
      setName('');
      setDescription('');
      onCreated(created);
    });
  }

  return (
    <form className="card mb-6 space-y-4" onSubmit={submit} aria-label="New knowledge base" noValidate>
      <h2 className="font-semibold">New knowledge base</h2>
      <p className="text-sm text-slate-600">Documents an agent answers from: upload plain text, Markdown, HTML or PDF files of up to 10 MB.</p>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="Knowledge base name" error={fieldError('name')}>
          {(p) => <input {...p} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field label="Description" error={fieldError('description')}>
          {(p) => <input {...p} className="input" value={description} maxLength={1000} onChange={(e) => setDescription(e.target.value)} />}
        </Field>
      </div>
      <ErrorMessage error={formError} />
      <button type="submit" className="btn-primary" disabled={saving}>
        {saving ? 'Creating…' : 'Create knowledge base'}
      </button>
    </form>
  );
}

function KnowledgeBasesPage() {
  const list = useLoad(() => api<Page<KnowledgeBase>>('/knowledge-bases?limit=200').then((r) => r.items), []);
  const [openId, setOpenId] = useState<string | null>(null);
  const open = list.data?.find((k) => k.id === openId) ?? null;

  return (
    <>
      <PageHeader title="Knowledge bases" />
      <NewKnowledgeBaseForm
        onCreated={(kb) => {
          list.setData((items) => [kb, ...(items ?? [])]);
          setOpenId(kb.id);
        }}
      />
      <ErrorMessage error={list.error} onRetry={list.reload} />
      {list.loading && !list.data ? (
        <Loading label="Loading knowledge bases…" />
      ) : list.data && list.data.length === 0 ? (
        <Empty title="No knowledge bases yet">Create one, then upload the documents your agents should answer from.</Empty>
      ) : (
        <div className="grid gap-6 lg:grid-cols-3">
          <ul className="space-y-2 lg:col-span-1" aria-label="Knowledge bases">
            {list.data?.map((k) => (
              <li key={k.id} data-knowledge-base-id={k.id}>
                <button
                  type="button"
                  className={`card w-full text-left ${k.id === openId ? 'ring-2 ring-brand-600' : ''}`}
                  aria-pressed={k.id === openId}
                  onClick={() => setOpenId(k.id)}
                >
                  <span className="block break-words font-medium">{k.name}</span>
                  <span className="block text-sm text-slate-600">
                    version {k.version} · updated {formatDate(k.updated_at)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <div className="min-w-0 lg:col-span-2">
            {open ? (
              <KnowledgeBasePanel
                key={open.id}
                knowledgeBase={open}
                onChanged={(kb) => list.setData((items) => items?.map((k) => (k.id === kb.id ? kb : k)))}
                onDeleted={() => {
                  list.setData((items) => items?.filter((k) => k.id !== open.id));
                  setOpenId(null);
                }}
              />
            ) : (
              <p className="text-sm text-slate-600">Choose a knowledge base to see and upload its documents.</p>
            )}
          </div>
        </div>
      )}
    </>
  );
}

export default function KnowledgeBasesRoute() {
  return (
    <Shell>
      <KnowledgeBasesPage />
    </Shell>
  );
}
