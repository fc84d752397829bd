// `node --import tsx --test test/unit/face/` on Node 20 only discovers *.test.js/mjs/cjs, so this
// file loads the folder's *.test.ts suites. Where node strips types itself
// (process.features.typescript), its runner finds the .ts files and this file does nothing.
// `npm test` (test/run.ts) passes the .ts files explicitly and never loads this file.
import { readdirSync } from 'node:fs';

if (!process.features.typescript) {
  const dir = new URL('./', import.meta.url);
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.test.ts')).sort()) {
    await import(new URL(name, dir).href);
  }
}
