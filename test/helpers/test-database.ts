import { after, before } from 'node:test';
import type { Db } from 'mongodb';
import { randomBytes } from 'node:crypto';
import { connectMongo, type Mongo } from '../../stores/mongo.js';
import { requireStackEnv } from './app-under-test.js';

/**
 * A throwaway database on the test stack's MongoDB for the calling suite: connected before its
 * tests, dropped after. `db` is read inside tests (it exists once `before` has run).
 */
export function useTestDatabase(name: string): { readonly db: Db } {
  let mongo: Mongo | undefined;
  before(async () => {
    requireStackEnv();
    mongo = await connectMongo(process.env.MONGODB_URL!, `kycflow_test_${name}_${randomBytes(4).toString('hex')}`);
  });
  after(async () => {
    await mongo?.db.dropDatabase();
    await mongo?.client.close();
  });
  return { get db() { return mongo!.db; } };
}
