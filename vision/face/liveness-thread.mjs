// Worker-thread entry for liveness-thread.ts: a thread does not inherit the parent's TypeScript
// loader for its entry file, so it registers tsx (the runtime every process here uses) first.
import { register } from 'tsx/esm/api';

register();
await import('./liveness-thread.ts');
