/** Where the API and voice-host live, read at run time from /config.js (written by whoever serves out/). */
export interface RuntimeConfig {
  apiUrl: string;
  voiceUrl: string;
}

declare global {
  interface Window {
    __VOICEAGENTS__?: Partial<RuntimeConfig>;
  }
}

const defaults: RuntimeConfig = {
  apiUrl: process.env.NEXT_PUBLIC_API_URL ?? 'http://127.0.0.1:7071/api',
  voiceUrl: process.env.NEXT_PUBLIC_VOICE_URL ?? 'ws://127.0.0.1:7860/ws',
};

export function config(): RuntimeConfig {
  const fromHost = typeof window === 'undefined' ? undefined : window.__VOICEAGENTS__;
  return {
    apiUrl: (fromHost?.apiUrl ?? defaults.apiUrl).replace(/\/$/, ''),
    voiceUrl: fromHost?.voiceUrl ?? defaults.voiceUrl,
  };
}
