// A stand-in for a tenant's own website, on another origin than the dashboard, that embeds the voice widget: what
// ./run.sh serves on http://127.0.0.1:5500. Open it with the publishable key and agent from the dashboard's
// Publishable keys page (the key must allow http://127.0.0.1:5500): http://127.0.0.1:5500/?key=va_pk_…&agent=…
//   DEMO_SITE_PORT (5500)  DASHBOARD_URL (http://127.0.0.1:3000)  DASHBOARD_VOICE_URL (ws://127.0.0.1:7860/ws)
import { createServer } from 'node:http';

const port = Number(process.env.DEMO_SITE_PORT ?? 5500);
const dashboard = (process.env.DASHBOARD_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const voiceUrl = process.env.DASHBOARD_VOICE_URL ?? 'ws://127.0.0.1:7860/ws';
const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname !== '/') return res.writeHead(404).end();
  const key = url.searchParams.get('key');
  const agent = url.searchParams.get('agent');
  const tag = key && agent
    ? `<script src="${attr(`${dashboard}/widget/v1/voiceagents-widget.js`)}" data-publishable-key="${attr(key)}" data-agent-id="${attr(agent)}" data-ws-url="${attr(voiceUrl)}"></script>`
    : `<p>Open this page as <code>/?key=va_pk_…&amp;agent=…</code> with a publishable key that allows <code>http://127.0.0.1:${port}</code>.</p>`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Bistro</title></head><body><h1>Acme Bistro</h1><p>A tenant's own site: the voice widget is in the corner.</p>${tag}</body></html>`);
}).listen(port, '127.0.0.1', () => console.log(`demo tenant site on http://127.0.0.1:${port}`));
