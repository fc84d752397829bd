import type { Db } from 'mongodb';
import { createReadModelActivities } from './read-model.activities.js';

export interface ActivityDeps {
  db: Db;
}

/** Every activity the worker registers, built from its dependencies (real or simulated in tests). */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
  };
}
