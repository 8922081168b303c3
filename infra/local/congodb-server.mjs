// CongoDB (MongoDB wire-protocol stand-in) for the local stack. Started by start.sh; needs install.sh first.
// Env: PORT (27017), HOST (127.0.0.1), PERSIST_PATH (unset = memory only),
//      PERSIST_INTERVAL_MS (5000; with PERSIST_PATH the data is also written on SIGTERM/SIGINT).
import { CongoServer } from './.runtime/congodb/dist_ts/congodb/index.js';

const port = Number(process.env.PORT ?? 27017);
const host = process.env.HOST ?? '127.0.0.1';
const persistPath = process.env.PERSIST_PATH || undefined;
const persistIntervalMs = Number(process.env.PERSIST_INTERVAL_MS ?? 5000);

const server = new CongoServer({ port, host, persistPath, persistIntervalMs });
await server.start();
console.log(`CONGODB_READY ${host}:${port} ${persistPath ? `persist=${persistPath} every ${persistIntervalMs} ms` : 'in-memory'}`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping${persistPath ? ' (persisting)' : ''}`);
  try {
    await server.stop(); // closes connections, then persists (MemoryStorageAdapter.close)
    process.exit(0);
  } catch (err) {
    console.error('stop failed:', err);
    process.exit(1);
  }
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
