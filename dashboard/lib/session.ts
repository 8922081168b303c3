import { create } from 'zustand';

import type { Tokens, User } from './types';

export type { Tokens, User };

/**
 * The signed-in session, kept in sessionStorage (this tab only) so a reload or a link opened in the tab keeps it.
 * A reload uses the stored access token while it is valid, and only then exchanges the refresh token (which rotates
 * on every use). Refreshing on every page load would race page navigation: a rotation whose answer the browser
 * dropped by leaving the page leaves the tab holding a used token, and presenting that one ends the session.
 */
interface SessionState {
  accessToken: string | null;
  user: User | null;
  /** Set once the tab has tried to restore a session from its refresh token. */
  restored: boolean;
  /** The user logged out on purpose: no session to restore, no "session ended" detour. */
  signedOut: boolean;
  setTokens: (tokens: Tokens) => void;
  /** Takes up an access token this tab stored earlier, without touching the refresh token. */
  resumeAccessToken: (accessToken: string) => void;
  setUser: (user: User | null) => void;
  clear: (signedOut?: boolean) => void;
  markRestored: () => void;
}

const refreshKey = 'voiceagents.refresh_token';
const accessKey = 'voiceagents.access_token';

function stored(key: string): string | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string | null) {
  try {
    if (value) window.sessionStorage.setItem(key, value);
    else window.sessionStorage.removeItem(key);
  } catch {
    // Storage can be unavailable (private mode); the session then lasts as long as the page.
  }
}

export function storedRefreshToken(): string | null {
  return stored(refreshKey);
}

export function storedAccessToken(): string | null {
  return stored(accessKey);
}

export const useSession = create<SessionState>((set) => ({
  accessToken: null,
  user: null,
  restored: false,
  signedOut: false,
  setTokens: (tokens) => {
    store(refreshKey, tokens.refresh_token);
    store(accessKey, tokens.access_token);
    set({ accessToken: tokens.access_token, signedOut: false });
  },
  resumeAccessToken: (accessToken) => set({ accessToken, signedOut: false }),
  setUser: (user) => set({ user }),
  clear: (signedOut = false) => {
    store(refreshKey, null);
    store(accessKey, null);
    set({ accessToken: null, user: null, signedOut });
  },
  markRestored: () => set({ restored: true }),
}));
