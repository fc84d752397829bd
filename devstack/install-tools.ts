// `npm run tools`: install (or find) every tool the local stack and the tests use, and say where.
import { ensureDebianPackages, ensureMongoServer, ensureTemporalCli, ensureTemporalTestServer, ToolError } from './tools.js';

try {
  ensureDebianPackages();
  console.log(`temporal CLI:          ${ensureTemporalCli()}`);
  console.log(`temporal test server:  ${ensureTemporalTestServer()}`);
  const mongo = ensureMongoServer();
  console.log(`MongoDB-protocol (${mongo.kind}): ${mongo.path}`);
} catch (err) {
  if (!(err instanceof ToolError)) throw err;
  console.error(err.message);
  process.exit(1);
}
