'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { AuthCard } from '@/components/AuthCard';
import { ErrorMessage, Field } from '@/components/ui';
import { ApiError, signup } from '@/lib/api';

export default function SignupPage() {
  const router = useRouter();
  const [form, setForm] = useState({ name: '', organization: '', email: '', password: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signup(form);
      router.replace('/agents/');
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
      setBusy(false);
    }
  }

  return (
    <AuthCard
      title="Create your organization"
      footer={
        <>
          Already have an account?{' '}
          <Link className="font-medium text-brand-700 underline" href="/login/">
            Sign in
          </Link>
        </>
      }
    >
      <form className="space-y-4" onSubmit={submit} noValidate>
        <Field label="Your name" error={error?.field('name')}>
          {(p) => <input {...p} className="input" autoComplete="name" value={form.name} onChange={set('name')} />}
        </Field>
        <Field label="Organization" error={error?.field('organization')}>
          {(p) => <input {...p} className="input" autoComplete="organization" value={form.organization} onChange={set('organization')} />}
        </Field>
        <Field label="Email" error={error?.field('email')}>
          {(p) => <input {...p} className="input" type="email" autoComplete="email" value={form.email} onChange={set('email')} />}
        </Field>
        <Field label="Password" error={error?.field('password')} hint="At least 10 characters.">
          {(p) => <input {...p} className="input" type="password" autoComplete="new-password" value={form.password} onChange={set('password')} />}
        </Field>
        <ErrorMessage error={error && Object.keys(error.errors).length === 0 ? error : null} />
        <button className="btn-primary w-full" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Sign up'}
        </button>
      </form>
    </AuthCard>
  );
}
