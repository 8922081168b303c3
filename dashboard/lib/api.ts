import { config } from './config';
import { storedAccessToken, storedRefreshToken, useSession } from './session';
import type { SignupRequest, SignupResponse, Tokens, User } from './types';

/** An RFC 9457 problem from the API, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    message: string,
    public readonly errors: Record<string, string[]> = {},
  ) {
    super(message);
  }

  /** The first error for a field, as the API names it (e.g. `llm.provider`). */
  field(name: string): string | undefined {
    return this.errors[name]?.[0];
  }
}

async function toError(response: Response): Promise<ApiError> {
  let body: { title?: string; detail?: string; errors?: Record<string, string[]> } = {};
  try {
    body = await response.json();
  } catch {
    // not JSON: fall back to the status text
  }
  const message = body.detail || body.title || `${response.status} ${response.statusText}`;
  return new ApiError(response.status, message, body.errors ?? {});
}

async function send(path: string, init: RequestInit, token: string | null): Promise<Response> {
  const headers = new Headers(init.headers);
  // A FormData body (an upload) gets its multipart boundary from the browser.
  if (init.body !== undefined && !(init.body instanceof FormData) && !headers.has('content-type')) headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  try {
    return await fetch(`${config().apiUrl}${path}`, { ...init, headers });
  } catch {
    throw new ApiError(0, `The API at ${config().apiUrl} cannot be reached. Check that it is running.`);
  }
}

let refreshing: Promise<boolean> | null = null;

/** Exchanges the stored refresh token for new tokens, once at a time however many requests ask. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= (async () => {
    const refreshToken = storedRefreshToken();
    if (!refreshToken) return false;
    try {
      const response = await send('/auth/refresh', { method: 'POST', body: JSON.stringify({ refresh_token: refreshToken }) }, null);
      if (!response.ok) {
        useSession.getState().clear();
        return false;
      }
      useSession.getState().setTokens((await response.json()) as Tokens);
      return true;
    } catch {
      return false;
    }
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/**
 * Restores the tab's session after a page load: the access token it stored, while that has more than a minute left,
 * or else a refresh. The server still checks the token on every request (a removed member gets 401, and then the
 * refresh fails too).
 */
export function restoreSession(): Promise<boolean> {
  const token = storedAccessToken();
  if (token && storedRefreshToken() && secondsLeft(token) > 60) {
    useSession.getState().resumeAccessToken(token);
    return Promise.resolve(true);
  }
  return refreshSession();
}

/** Sends the browser to the login page, remembering where it was so login can bring it back. */
export function redirectToLogin() {
  if (typeof window === 'undefined' || window.location.pathname.startsWith('/login')) return;
  const here = window.location.pathname + window.location.search;
  window.location.assign(`/login/?next=${encodeURIComponent(here)}`);
}

/** Sends a request as the signed-in user; a 401 refreshes the session once, and a second one ends it. */
async function authorized(path: string, init: RequestInit): Promise<Response> {
  let response = await send(path, init, useSession.getState().accessToken);
  if (response.status === 401 && (await refreshSession())) {
    response = await send(path, init, useSession.getState().accessToken);
  }
  if (response.status === 401) {
    useSession.getState().clear();
    redirectToLogin();
    throw new ApiError(401, 'Your session has ended. Please sign in again.');
  }
  if (!response.ok) throw await toError(response);
  return response;
}

/** Calls the API as the signed-in user and reads its JSON answer. */
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await authorized(path, init);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/**
 * Saves what a GET answers (an export) as a file named `filename`. The API takes a bearer token, not a cookie, so a
 * plain link cannot download it: the body is fetched, then handed to the browser as a blob.
 */
export async function download(path: string, filename: string): Promise<void> {
  const blob = await (await authorized(path, {})).blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  // The click has handed the blob to the download by now; the next task may let it go.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export async function login(email: string, password: string): Promise<void> {
  const response = await send('/auth/login', { method: 'POST', body: JSON.stringify({ email, password }) }, null);
  if (!response.ok) {
    const error = await toError(response);
    if (response.status === 401) throw new ApiError(401, 'Wrong email or password.', error.errors);
    if (response.status === 429) {
      const wait = response.headers.get('retry-after');
      throw new ApiError(429, `Too many attempts. Try again${wait ? ` in ${wait} s` : ' later'}.`);
    }
    throw error;
  }
  useSession.getState().setTokens((await response.json()) as Tokens);
  useSession.getState().setUser(await api<User>('/auth/me'));
}

export async function signup(body: Required<{ [K in keyof SignupRequest]: NonNullable<SignupRequest[K]> }>): Promise<void> {
  const response = await send('/auth/signup', { method: 'POST', body: JSON.stringify(body) }, null);
  if (!response.ok) throw await toError(response);
  const result = (await response.json()) as SignupResponse;
  useSession.getState().setTokens(result.tokens);
  useSession.getState().setUser(result.user);
}

export async function logout(): Promise<void> {
  const refreshToken = storedRefreshToken();
  useSession.getState().clear(true);
  if (refreshToken) {
    await send('/auth/logout', { method: 'POST', body: JSON.stringify({ refresh_token: refreshToken }) }, null).catch(() => undefined);
  }
}

/** A fresh access token for voice-host, which checks it once when the call starts. */
export async function freshAccessToken(): Promise<string | null> {
  const token = useSession.getState().accessToken;
  if (token && secondsLeft(token) > 60) return token;
  return (await refreshSession()) ? useSession.getState().accessToken : token;
}

function secondsLeft(jwt: string): number {
  try {
    const payload = JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
    return payload.exp - Date.now() / 1000;
  } catch {
    return 0;
  }
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
