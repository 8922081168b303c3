import { create } from 'zustand';

import type { Tokens, User } from './types';

export type { Tokens, User };

/**
 * The signed-in session. The access token lives only in memory; the refresh token is kept in sessionStorage so a
 * reload of the tab can get a new access token through /auth/refresh (it rotates on every use).
 */
interface SessionState {
  accessToken: string | null;
  user: User | null;
  /** Set once the tab has tried to restore a session from its refresh token. */
  restored: boolean;
  /** The user logged out on purpose: no session to restore, no "session ended" detour. */
  signedOut: boolean;
  setTokens: (tokens: Tokens) => void;
  setUser: (user: User | null) => void;
  clear: (signedOut?: boolean) => void;
  markRestored: () => void;
}

const refreshKey = 'voiceagents.refresh_token';

export function storedRefreshToken(): string | null {
  try {
    return typeof window === 'undefined' ? null : window.sessionStorage.getItem(refreshKey);
  } catch {
    return null;
  }
}

function storeRefreshToken(token: string | null) {
  try {
    if (token) window.sessionStorage.setItem(refreshKey, token);
    else window.sessionStorage.removeItem(refreshKey);
  } catch {
    // Storage can be unavailable (private mode); the session then lasts as long as the page.
  }
}

export const useSession = create<SessionState>((set) => ({
  accessToken: null,
  user: null,
  restored: false,
  signedOut: false,
  setTokens: (tokens) => {
    storeRefreshToken(tokens.refresh_token);
    set({ accessToken: tokens.access_token, signedOut: false });
  },
  setUser: (user) => set({ user }),
  clear: (signedOut = false) => {
    storeRefreshToken(null);
    set({ accessToken: null, user: null, signedOut });
  },
  markRestored: () => set({ restored: true }),
}));
