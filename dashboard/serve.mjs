// Serves the static export (out/) on 127.0.0.1, each page at its own path, and answers /config.js with the API and
// voice addresses from the environment, so one build works against any deployment. No dependencies.
//   DASHBOARD_PORT (3000)  DASHBOARD_API_URL (http://127.0.0.1:7071/api)  DASHBOARD_VOICE_URL (ws://127.0.0.1:7860/ws)
//   DASHBOARD_PUBSUB_URL (ws://127.0.0.1:7072, Web PubSub's client endpoint)
//   DASHBOARD_MEDIA_URL (http://127.0.0.1:4566, where recordings play from: S3's endpoint)
//   DASHBOARD_HEADERS_TIMEOUT (10 s: a client that has not sent its whole request head by then is cut off)
// The embeddable widget (/widget/) and the capture worklet it loads (/worklets/) are fetched by tenants' own sites, so
// they alone may be read from any origin (an AudioWorklet module is fetched with CORS).
// Every response carries a Content-Security-Policy that lets a page run only its own scripts (each page's inline
// scripts by hash) and reach only those addresses, and may not be framed, plus nosniff and Referrer-Policy.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('.', import.meta.url)), 'out');
const port = Number(process.env.DASHBOARD_PORT ?? 3000);
const settings = {
  apiUrl: process.env.DASHBOARD_API_URL ?? 'http://127.0.0.1:7071/api',
  voiceUrl: process.env.DASHBOARD_VOICE_URL ?? 'ws://127.0.0.1:7860/ws',
};
const configJs = `window.__VOICEAGENTS__ = ${JSON.stringify(settings)};\n`;
const origin = (url) => new URL(url).origin;
const pubsubUrl = process.env.DASHBOARD_PUBSUB_URL ?? 'ws://127.0.0.1:7072';
const mediaUrl = process.env.DASHBOARD_MEDIA_URL ?? 'http://127.0.0.1:4566';
const headersTimeoutMs = Number(process.env.DASHBOARD_HEADERS_TIMEOUT ?? 10) * 1000;

// The policy of every response; a page's adds the hashes of its inline scripts (Next.js writes a few per page).
const policy = (scriptHashes = []) => [
  "default-src 'self'",
  `script-src 'self' ${scriptHashes.map((h) => `'sha256-${h}'`).join(' ')}`.trim(),
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  `connect-src 'self' ${[settings.apiUrl, settings.voiceUrl, pubsubUrl].map(origin).join(' ')}`,
  `media-src 'self' blob: ${origin(mediaUrl)}`,
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
const security = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'permissions-policy': 'microphone=(self), camera=(), geolocation=()',
};
const headers = (extra, scriptHashes) => ({ ...security, 'content-security-policy': policy(scriptHashes), ...extra });

// Inline scripts of each page, hashed once per build of the file.
const inlineScripts = new Map();
function scriptHashes(file) {
  const mtime = statSync(file).mtimeMs;
  const cached = inlineScripts.get(file);
  if (cached?.mtime === mtime) return cached.hashes;
  const html = readFileSync(file, 'utf8');
  const hashes = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)]
    .filter((m) => m[1].length > 0)
    .map((m) => createHash('sha256').update(m[1], 'utf8').digest('base64'));
  inlineScripts.set(file, { mtime, hashes });
  return hashes;
}
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

const isFile = (p) => { try { return statSync(p).isFile(); } catch { return false; } };
const isDir = (p) => { try { return statSync(p).isDirectory(); } catch { return false; } };

const embeddable = (path) => path.startsWith('/widget/') || path.startsWith('/worklets/');
const crossOrigin = { 'access-control-allow-origin': '*', 'cross-origin-resource-policy': 'cross-origin' };

function send(res, status, file, method, path = '') {
  res.writeHead(status, headers({
    ...(status === 200 && embeddable(path) ? crossOrigin : {}),
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    // Hashed build assets never change; pages and config must be fetched fresh.
    'cache-control': file.includes(`${join('_next', 'static')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  }, extname(file) === '.html' ? scriptHashes(file) : []));
  if (method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

// Like the API and voice-host (Kestrel's request-headers timeout), a client gets a bounded time to send its request
// head; Node checks the timeouts every connectionsCheckingInterval, so that is kept short.
const server = createServer({ headersTimeout: headersTimeoutMs, requestTimeout: Math.max(30_000, headersTimeoutMs), connectionsCheckingInterval: 500 }, (req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers({ allow: 'GET, HEAD' })).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400, headers()).end();
    return;
  }
  if (path === '/config.js') {
    res.writeHead(200, headers({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' }));
    res.end(req.method === 'HEAD' ? undefined : configJs);
    return;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) {
    res.writeHead(400, headers()).end();
    return;
  }
  if (isFile(file)) return send(res, 200, file, req.method, path);
  if (isDir(file) && isFile(join(file, 'index.html'))) {
    if (!path.endsWith('/')) {
      res.writeHead(308, headers({ location: `${path}/${url.search}` })).end();
      return;
    }
    return send(res, 200, join(file, 'index.html'), req.method);
  }
  if (isFile(`${file}.html`)) return send(res, 200, `${file}.html`, req.method);
  send(res, 404, join(root, '404.html'), req.method);
});

server.keepAliveTimeout = 5_000;
server.listen(port, '127.0.0.1', () => console.log(`dashboard on http://127.0.0.1:${port} (API ${settings.apiUrl}, voice ${settings.voiceUrl}, live ${pubsubUrl})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
