// `npm run keys:rewrap`: after putting a new master key first in PAYLOAD_ENCRYPTION_KEYS, re-wraps
// every data key still wrapped by an older one, so those can be retired (README "Security").
import { loadConfigOrExit } from '../config/config.js';
import { connectMongo } from '../stores/mongo.js';
import { DataKeyRing } from './data-keys.js';
import { parseEncryptionKeys } from './master-keys.js';

const config = loadConfigOrExit();
const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
try {
  const master = parseEncryptionKeys(config.PAYLOAD_ENCRYPTION_KEYS);
  const { rewrapped, failed } = await new DataKeyRing(mongo.db, master).rewrap();
  console.log(`data keys re-wrapped with master key "${master.activeKeyId}": ${rewrapped}; not re-wrapped (their master key is not configured): ${failed}`);
  process.exitCode = failed > 0 ? 1 : 0;
} finally {
  await mongo.client.close();
}
