'use client';

import { useRef, useState, type FormEvent } from 'react';
import { Empty, ErrorMessage, Field, Loading, formatDate } from '@/components/ui';
import { api, query } from '@/lib/api';
import type { KnowledgeBase, KnowledgeDocument, KnowledgeSearchResult, Page } from '@/lib/types';
import { useLoad } from '@/lib/useLoad';
import { useSave } from '@/lib/useSave';

/** The largest document the API takes (it answers 413 past it); checked here too, to say so before the upload. */
const maxBytes = 10 * 1024 * 1024;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

function UploadForm({ knowledgeBase, onUploaded }: { knowledgeBase: KnowledgeBase; onUploaded: (d: KnowledgeDocument) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const { saving, run, fieldError, formError } = useSave();
  const [tooBig, setTooBig] = useState(false);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (file && file.size > maxBytes) {
      setTooBig(true);
      return;
    }
    setTooBig(false);
    void run(async () => {
      const body = new FormData();
      if (file) body.append('file', file, file.name);
      const document = await api<KnowledgeDocument>(`/knowledge-bases/${knowledgeBase.id}/documents`, { method: 'POST', body });
      setFile(null);
      if (input.current) input.current.value = '';
      onUploaded(document);
    });
  }

  return (
    <form className="space-y-3" onSubmit={submit} aria-label="Upload a document" noValidate>
      <Field
        label="Document"
        error={tooBig ? 'The file is larger than 10 MB.' : fieldError('file')}
        hint="Plain text, Markdown, HTML or PDF, up to 10 MB."
      >
        {(p) => (
          <input
            {...p}
            ref={input}
            type="file"
            className="block w-full text-sm"
            accept=".txt,.md,.markdown,.html,.htm,.pdf,text/plain,text/markdown,text/html,application/pdf"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <ErrorMessage error={formError} />
      <button type="submit" className="btn-primary" disabled={saving || !file}>
        {saving ? 'Uploading…' : 'Upload'}
      </button>
    </form>
  );
}

function SearchBox({ knowledgeBase }: { knowledgeBase: KnowledgeBase }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<KnowledgeSearchResult[] | null>(null);
  const { saving, run, fieldError, formError } = useSave();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ results: KnowledgeSearchResult[] }>(`/knowledge-bases/${knowledgeBase.id}/search${query({ q, k: 5 })}`);
      setResults(r.results);
    });
  }

  return (
    <section className="space-y-3" aria-label="Try a question">
      <form className="flex flex-col gap-2 sm:flex-row sm:items-end" onSubmit={submit} role="search" noValidate>
        <div className="min-w-0 flex-1">
          <Field label="Question" error={fieldError('q')} hint="What a caller might ask; shows the passages an agent would be given.">
            {(p) => <input {...p} type="search" className="input" value={q} maxLength={500} onChange={(e) => setQ(e.target.value)} />}
          </Field>
        </div>
        <button type="submit" className="btn-secondary self-start sm:mb-6 sm:self-auto" disabled={saving}>
          {saving ? 'Searching…' : 'Search'}
        </button>
      </form>
      <ErrorMessage error={formError} />
      {results && results.length === 0 && <p className="text-sm text-slate-600">No passage matches.</p>}
      {results && results.length > 0 && (
        <ol className="space-y-2" aria-label="Search results">
          {results.map((r) => (
            <li key={r.chunk_id} className="rounded-md border border-slate-200 p-3 text-sm" data-search-result>
              <p className="mb-1 break-words text-xs text-slate-500">
                {r.source}
                {r.heading ? ` · ${r.heading}` : ''} · score {r.score.toFixed(3)}
              </p>
              <p className="whitespace-pre-line break-words">{r.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** One knowledge base: its documents (upload, list, remove), a search box to try questions, and deleting it. */
export function KnowledgeBasePanel({
  knowledgeBase,
  onChanged,
  onDeleted,
}: {
  knowledgeBase: KnowledgeBase;
  onChanged: (kb: KnowledgeBase) => void;
  onDeleted: () => void;
}) {
  const documents = useLoad(
    () => api<Page<KnowledgeDocument>>(`/knowledge-bases/${knowledgeBase.id}/documents?limit=200`).then((r) => r.items),
    [knowledgeBase.id],
  );
  const [actionError, setActionError] = useState<unknown>(null);

  async function refreshKnowledgeBase() {
    onChanged(await api<KnowledgeBase>(`/knowledge-bases/${knowledgeBase.id}`));
  }

  async function removeDocument(d: KnowledgeDocument) {
    if (!window.confirm(`Remove “${d.file_name}” from ${knowledgeBase.name}? Agents stop answering from it.`)) return;
    setActionError(null);
    try {
      await api(`/knowledge-bases/${knowledgeBase.id}/documents/${d.id}`, { method: 'DELETE' });
      documents.setData((list) => list?.filter((x) => x.id !== d.id));
      await refreshKnowledgeBase();
    } catch (e) {
      setActionError(e);
    }
  }

  async function removeKnowledgeBase() {
    if (!window.confirm(`Delete the knowledge base “${knowledgeBase.name}” and all its documents?`)) return;
    setActionError(null);
    try {
      await api(`/knowledge-bases/${knowledgeBase.id}`, { method: 'DELETE' });
      onDeleted();
    } catch (e) {
      setActionError(e);
    }
  }

  return (
    <section className="card space-y-6" aria-label={`Knowledge base ${knowledgeBase.name}`}>
      <div className="flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <h2 className="break-words text-lg font-semibold">{knowledgeBase.name}</h2>
          {knowledgeBase.description && <p className="break-words text-sm text-slate-600">{knowledgeBase.description}</p>}
          <p className="text-xs text-slate-500" data-knowledge-base-version>
            version {knowledgeBase.version}
          </p>
        </div>
        <button type="button" className="btn-danger self-start" onClick={removeKnowledgeBase}>
          Delete knowledge base
        </button>
      </div>
      <ErrorMessage error={actionError} />
      <UploadForm
        knowledgeBase={knowledgeBase}
        onUploaded={(d) => {
          documents.setData((list) => [d, ...(list ?? [])]);
          void refreshKnowledgeBase().catch(setActionError);
        }}
      />
      <div>
        <h3 className="mb-2 font-medium">Documents</h3>
        <ErrorMessage error={documents.error} onRetry={documents.reload} />
        {documents.loading && !documents.data ? (
          <Loading label="Loading documents…" />
        ) : documents.data && documents.data.length === 0 ? (
          <Empty title="No documents yet">Upload the first one above.</Empty>
        ) : (
          <ul className="divide-y divide-slate-200" aria-label="Documents">
            {documents.data?.map((d) => (
              <li key={d.id} className="flex flex-col gap-2 py-2 sm:flex-row sm:items-center" data-document-id={d.id}>
                <div className="min-w-0 flex-1">
                  <p className="break-all font-medium">{d.file_name}</p>
                  <p className="text-sm text-slate-600">
                    {d.content_type} · {formatBytes(d.bytes)} · {d.chunks} {d.chunks === 1 ? 'passage' : 'passages'} · added {formatDate(d.created_at)}
                  </p>
                </div>
                <button type="button" className="btn-secondary self-start py-1 sm:self-auto" onClick={() => removeDocument(d)}>
                  Remove
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      <SearchBox knowledgeBase={knowledgeBase} />
    </section>
  );
}
