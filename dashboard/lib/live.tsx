'use client';

import { useEffect, useRef, useState } from 'react';
import { api } from './api';
import type { NegotiateResponse } from './types';

/** A platform event as the API publishes it to the tenant's Web PubSub group. */
export interface LiveEvent {
  id: string;
  type: string;
  created_at: string;
  data: Record<string, unknown>;
}

export type LiveMode = 'connecting' | 'live' | 'polling';

const subprotocol = 'json.webpubsub.azure.v1';

/**
 * Live updates: events from Web PubSub (GET /realtime/negotiate, then a WebSocket speaking the JSON subprotocol).
 * While negotiate fails or the socket is down, `poll` runs every `pollMs` instead, and negotiation is tried again
 * every `retryMs`.
 */
export function useLiveUpdates(onEvent: (e: LiveEvent) => void, poll: () => void, pollMs = 5000, retryMs = 30000): LiveMode {
  const [mode, setMode] = useState<LiveMode>('connecting');
  const handlers = useRef({ onEvent, poll });
  handlers.current = { onEvent, poll };

  useEffect(() => {
    let socket: WebSocket | null = null;
    let pollTimer: ReturnType<typeof setInterval> | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let refreshTimer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const seen = new Set<string>();

    const startPolling = () => {
      setMode('polling');
      pollTimer ??= setInterval(() => handlers.current.poll(), pollMs);
      if (!retryTimer) retryTimer = setTimeout(() => {
        retryTimer = null;
        void connect();
      }, retryMs);
    };
    const stopPolling = () => {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
    };

    async function connect() {
      if (stopped) return;
      let n: NegotiateResponse;
      try {
        n = await api<NegotiateResponse>('/realtime/negotiate');
      } catch {
        if (!stopped) startPolling();
        return;
      }
      if (stopped) return;
      let opened = false;
      try {
        socket = new WebSocket(n.url, subprotocol);
      } catch {
        startPolling();
        return;
      }
      socket.onopen = () => {
        // The negotiated URL already puts this connection in the tenant's group (and no other).
        opened = true;
        stopPolling();
        setMode('live');
        // Catch up on anything missed while not connected.
        handlers.current.poll();
        const expires = Date.parse(n.expires_at) - Date.now() - 60_000;
        if (expires > 0) refreshTimer = setTimeout(() => socket?.close(4000, 'token expiring'), expires);
      };
      socket.onmessage = (m) => {
        if (typeof m.data !== 'string') return;
        try {
          const msg = JSON.parse(m.data);
          if (msg.type === 'message' && msg.data && typeof msg.data === 'object' && typeof msg.data.type === 'string') {
            const event = msg.data as LiveEvent;
            // A redelivered event comes again with the same id.
            if (seen.has(event.id)) return;
            seen.add(event.id);
            if (seen.size > 500) seen.delete(seen.values().next().value as string);
            handlers.current.onEvent(event);
          }
        } catch {
          // not JSON: ignore
        }
      };
      socket.onclose = (e) => {
        socket = null;
        if (refreshTimer) clearTimeout(refreshTimer);
        if (stopped) return;
        // A planned reconnect (token about to expire) goes straight back; anything else polls until it works again.
        if (opened && e.code === 4000) void connect();
        else startPolling();
      };
    }

    void connect();
    return () => {
      stopped = true;
      stopPolling();
      if (retryTimer) clearTimeout(retryTimer);
      if (refreshTimer) clearTimeout(refreshTimer);
      socket?.close(1000, 'page closed');
    };
  }, [pollMs, retryMs]);

  return mode;
}

export function LiveBadge({ mode }: { mode: LiveMode }) {
  const label = mode === 'live' ? 'Live' : mode === 'polling' ? 'Updating every 5 s' : 'Connecting…';
  const dot = mode === 'live' ? 'bg-green-500' : mode === 'polling' ? 'bg-amber-500' : 'bg-slate-400';
  return (
    <span className="inline-flex items-center gap-1.5 rounded-full bg-white px-2 py-1 text-xs text-slate-600 ring-1 ring-slate-200" role="status" data-live-mode={mode}>
      <span className={`h-2 w-2 rounded-full ${dot}`} aria-hidden />
      {label}
    </span>
  );
}
