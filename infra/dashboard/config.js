// Read by the dashboard at run time (dashboard/lib/config.ts): the API through this origin's /api proxy, and
// voice-host's published port.
window.__VOICEAGENTS__ = {
  apiUrl: 'http://127.0.0.1:3000/api',
  voiceUrl: 'ws://127.0.0.1:7860/ws',
};
