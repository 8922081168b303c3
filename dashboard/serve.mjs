// Serves the static export (out/) on 127.0.0.1, each page at its own path, and answers /config.js with the API and
// voice addresses from the environment, so one build works against any deployment. No dependencies.
//   DASHBOARD_PORT (3000)  DASHBOARD_API_URL (http://127.0.0.1:7071/api)  DASHBOARD_VOICE_URL (ws://127.0.0.1:7860/ws)
import { createReadStream, statSync } from 'node:fs';
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
const types = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json', '.txt': 'text/plain; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.map': 'application/json',
};

const isFile = (p) => { try { return statSync(p).isFile(); } catch { return false; } };
const isDir = (p) => { try { return statSync(p).isDirectory(); } catch { return false; } };

function send(res, status, file, method) {
  res.writeHead(status, {
    'content-type': types[extname(file)] ?? 'application/octet-stream',
    // Hashed build assets never change; pages and config must be fetched fresh.
    'cache-control': file.includes(`${join('_next', 'static')}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

const server = createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' }).end();
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  let path;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (path === '/config.js') {
    res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
    res.end(req.method === 'HEAD' ? undefined : configJs);
    return;
  }
  const file = normalize(join(root, path));
  if (!file.startsWith(root)) {
    res.writeHead(400).end();
    return;
  }
  if (isFile(file)) return send(res, 200, file, req.method);
  if (isDir(file) && isFile(join(file, 'index.html'))) {
    if (!path.endsWith('/')) {
      res.writeHead(308, { location: `${path}/${url.search}` }).end();
      return;
    }
    return send(res, 200, join(file, 'index.html'), req.method);
  }
  if (isFile(`${file}.html`)) return send(res, 200, `${file}.html`, req.method);
  send(res, 404, join(root, '404.html'), req.method);
});

server.listen(port, '127.0.0.1', () => console.log(`dashboard on http://127.0.0.1:${port} (API ${settings.apiUrl}, voice ${settings.voiceUrl})`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
