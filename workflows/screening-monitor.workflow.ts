import { continueAsNew, proxyActivities } from '@temporalio/workflow';
import type { MonitoringActivities, PageResult } from '../activities/screening-monitor.activities.js';

const { loadScreeningLists } = proxyActivities<MonitoringActivities>({
  startToCloseTimeout: '30 minutes', // a full OpenSanctions export is large
  retry: { initialInterval: '10 seconds', maximumInterval: '10 minutes', maximumAttempts: 5 },
});
const { rescreenApprovedPage } = proxyActivities<MonitoringActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', maximumInterval: '5 minutes' },
});

export interface ScreeningMonitorInput {
  /** Load these list files first (the schedule's run); new versions are then re-screened against. */
  listPaths?: string[];
  /** Or re-screen against these versions' new and changed entries (an ops re-run). */
  versionIds?: string[];
  pageSize: number;
  /** Where the previous run (before continue-as-new) stopped, and what it found so far. */
  after?: string | null;
  totals?: MonitorTotals;
}

export interface MonitorTotals {
  versionIds: string[];
  screened: number;
  alerted: number;
  pages: number;
}

/** Pages per run before continuing as new: history stays a few hundred events whatever the customer count. */
const PAGES_PER_RUN = 100;

/**
 * Ongoing monitoring: loads the configured list files (a Temporal Schedule starts this daily) and
 * re-screens every approved customer against the entries the new versions added or changed, a
 * page of customers per activity. A customer with a new hit gets the hit on their profile, which
 * reopens it for review and sends `kyc.screening.hit`.
 */
export async function screeningMonitorWorkflow(input: ScreeningMonitorInput): Promise<MonitorTotals> {
  let totals = input.totals;
  if (!totals) {
    const loaded = input.listPaths?.length ? await loadScreeningLists({ paths: input.listPaths }) : [];
    const fresh = loaded.filter((v) => v.isNew && v.added + v.changed > 0).map((v) => v.versionId);
    totals = { versionIds: [...fresh, ...(input.versionIds ?? [])], screened: 0, alerted: 0, pages: 0 };
    if (!totals.versionIds.length) return totals;
  }
  let after = input.after ?? null;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const result: PageResult = await rescreenApprovedPage({ versionIds: totals.versionIds, after, limit: input.pageSize });
    totals = { ...totals, screened: totals.screened + result.screened, alerted: totals.alerted + result.alerted, pages: totals.pages + 1 };
    if (!result.next) return totals;
    after = result.next;
  }
  return continueAsNew<typeof screeningMonitorWorkflow>({ pageSize: input.pageSize, after, totals });
}
