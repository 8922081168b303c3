'use client';

import Link from 'next/link';
import { usePathname, useRouter } from 'next/navigation';
import { useEffect, useState, type ReactNode } from 'react';
import { api, logout, redirectToLogin, restoreSession } from '@/lib/api';
import { useSession, type User } from '@/lib/session';
import { Loading } from './ui';

const links = [
  { href: '/agents/', label: 'Agents' },
  { href: '/knowledge-bases/', label: 'Knowledge bases' },
  { href: '/campaigns/', label: 'Campaigns' },
  { href: '/inbound-numbers/', label: 'Inbound numbers' },
  { href: '/call-logs/', label: 'Call logs' },
  { href: '/analytics/', label: 'Analytics' },
  { href: '/usage/', label: 'Usage' },
  { href: '/talk/', label: 'Talk to agent' },
  { href: '/provider-credentials/', label: 'Provider keys' },
  { href: '/api-keys/', label: 'API keys' },
  { href: '/publishable-keys/', label: 'Publishable keys' },
];

/** The signed-in frame: navigation, the user and log out. Restores the tab's session on a reload. */
export function Shell({ children }: { children: ReactNode }) {
  const { accessToken, user, restored, signedOut } = useSession();
  const pathname = usePathname();
  const router = useRouter();
  const [menuOpen, setMenuOpen] = useState(false);

  useEffect(() => {
    if (accessToken) {
      if (!user) api<User>('/auth/me').then((u) => useSession.getState().setUser(u)).catch(() => undefined);
      return;
    }
    if (signedOut) return;
    let cancelled = false;
    restoreSession().then((ok) => {
      if (cancelled) return;
      useSession.getState().markRestored();
      if (!ok) redirectToLogin();
    });
    return () => {
      cancelled = true;
    };
  }, [accessToken, user, signedOut]);

  useEffect(() => {
    setMenuOpen(false);
  }, [pathname]);

  if (!accessToken) {
    return <div className="mx-auto max-w-6xl p-6">{restored || signedOut ? null : <Loading label="Restoring your session…" />}</div>;
  }

  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:p-2">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center justify-between gap-4 px-4 py-3">
          <Link href="/agents/" className="font-semibold text-brand-900">
            VoiceAgents
          </Link>
          <button
            type="button"
            className="btn-secondary md:hidden"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((o) => !o)}
          >
            Menu
          </button>
          <nav
            id="main-nav"
            aria-label="Main"
            className={`${menuOpen ? 'flex' : 'hidden'} absolute left-0 right-0 top-14 z-40 flex-col gap-1 border-b border-slate-200 bg-white p-3 shadow md:static md:flex md:flex-row md:items-center md:border-0 md:p-0 md:shadow-none`}
          >
            {links.map((l) => {
              const active = pathname?.startsWith(l.href.replace(/\/$/, ''));
              return (
                <Link
                  key={l.href}
                  href={l.href}
                  aria-current={active ? 'page' : undefined}
                  className={`rounded-md px-3 py-2 text-sm ${active ? 'bg-brand-50 font-medium text-brand-700' : 'text-slate-700 hover:bg-slate-100'}`}
                >
                  {l.label}
                </Link>
              );
            })}
            <span className="hidden px-2 text-sm text-slate-500 lg:inline" title={user?.email}>
              {user?.organization}
            </span>
            <button
              type="button"
              className="btn-secondary"
              onClick={() => {
                // The tab forgets its tokens at once; the server's revocation need not hold up the way out.
                void logout();
                router.replace('/login/');
              }}
            >
              Log out
            </button>
          </nav>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">
        {children}
      </main>
    </div>
  );
}
