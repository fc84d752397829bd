import { continueAsNew, executeChild, metricMeter, patched, proxyActivities, setHandler, uuid4 } from '@temporalio/workflow';
import type { ErasureActivities } from '../activities/erasure.activities.js';
import {
  dataErasureWorkflowId,
  RETENTION_CATEGORIES,
  retentionCutoffs,
  type CategoryProgress,
  type ErasureRequest,
  type RetentionCategory,
  type RetentionSweepInput,
  type RetentionSweepProgress,
} from '../domain/data-protection.js';
import { dataErasureWorkflow } from './data-erasure.workflow.js';
import { getSweepProgressQuery } from './data-protection.messages.js';

const { findRetentionCandidates, repeatRecentErasures } = proxyActivities<ErasureActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Erasures run this many at a time; a run continues as new after this many pages (bounded history). */
const PARALLEL_ERASURES = 10;
const PAGES_PER_RUN = 5;
const SAMPLE_SIZE = 20;
const LATE_WRITES_DAYS = 2;

/**
 * The daily retention sweep (a Temporal Schedule starts it): finds, page by page, the profiles the
 * policy says are due (rejected, expired or cancelled ones; approved customers whose relationship
 * ended long enough ago; files of decided profiles) and erases each with a data-erasure child
 * workflow. Progress is a query and the result; counts go to metrics. A dry run erases nothing.
 */
export async function retentionSweepWorkflow(input: RetentionSweepInput): Promise<RetentionSweepProgress> {
  const nowMs = input.resume?.nowMs ?? Date.now(); // the workflow's clock: deterministic
  const cutoffs = retentionCutoffs(input.policy, nowMs);
  const progress = input.resume?.progress ?? newProgress(input.dryRun, new Date(nowMs).toISOString(), cutoffs);
  setHandler(getSweepProgressQuery, () => progress);
  let category = input.resume?.category ?? 0;
  let after = input.resume?.after ?? null;
  // First, so the rules below do not take a profile a late write un-redacted for a new one
  // (sweeps recorded before the patch repeated them at the end).
  const lateWritesFirst = patched('late-writes-first');
  if (lateWritesFirst && !input.dryRun && !input.resume) progress.lateWrites = await repeatLateWrites(nowMs);

  for (let pages = 0; category < RETENTION_CATEGORIES.length; pages++) {
    if (pages === PAGES_PER_RUN) return continueAsNew<typeof retentionSweepWorkflow>({ ...input, resume: { nowMs, category, after, progress } });
    const name = RETENTION_CATEGORIES[category]!;
    const page = await findRetentionCandidates({ category: name, cutoffs, approvedYears: input.policy.approvedYears, nowMs, after, limit: input.pageSize });
    const counts = progress.categories[name];
    counts.found += page.items.length;
    counts.held += page.held;
    counts.sample.push(...page.items.map((item) => item.profileId ?? item.userId).slice(0, SAMPLE_SIZE - counts.sample.length));
    progress.pages++;
    const erased = input.dryRun ? 0 : await eraseAll(name, page.items, counts);
    count(name, input.dryRun, page.items.length, erased);
    after = page.next;
    if (after === null) category++;
  }
  if (!lateWritesFirst && !input.dryRun) progress.lateWrites = await repeatLateWrites(nowMs);
  progress.finishedAt = new Date().toISOString();
  return progress;
}

const repeatLateWrites = (nowMs: number) => repeatRecentErasures({ since: new Date(nowMs - LATE_WRITES_DAYS * 86_400_000).toISOString() });

/** Erases the page's subjects, a few at a time; returns how many were erased. */
async function eraseAll(category: RetentionCategory, items: Array<Pick<ErasureRequest, 'scope' | 'userId' | 'profileId'>>, counts: CategoryProgress): Promise<number> {
  const before = counts.erased;
  for (let i = 0; i < items.length; i += PARALLEL_ERASURES) {
    const outcomes = await Promise.allSettled(items.slice(i, i + PARALLEL_ERASURES).map((item) => {
      const request: ErasureRequest = {
        ...item,
        erasureId: `erasure_${uuid4().replace(/-/g, '').slice(0, 24)}`,
        requestedBy: 'retention-sweep',
        legalBasis: 'retention_policy',
        note: `retention policy: ${category}`,
        legalHoldOverride: null,
      };
      return executeChild(dataErasureWorkflow, { workflowId: dataErasureWorkflowId(request.erasureId), args: [request] });
    }));
    counts.erased += outcomes.filter((o) => o.status === 'fulfilled').length;
    counts.failed += outcomes.filter((o) => o.status === 'rejected').length;
  }
  return counts.erased - before;
}

function count(category: RetentionCategory, dryRun: boolean, found: number, erased: number): void {
  const tags = { category, dry_run: String(dryRun) };
  metricMeter.createCounter('kycflow_retention_due', '1', 'Records the retention policy found due').add(found, tags);
  metricMeter.createCounter('kycflow_retention_erased', '1', 'Records erased by the retention sweep').add(erased, tags);
}

function newProgress(dryRun: boolean, startedAt: string, cutoffs: RetentionSweepProgress['cutoffs']): RetentionSweepProgress {
  const empty = (): CategoryProgress => ({ found: 0, erased: 0, failed: 0, held: 0, sample: [] });
  return { dryRun, startedAt, cutoffs, pages: 0, categories: { unsuccessful: empty(), approved: empty(), files: empty() }, lateWrites: { erasures: 0, erased: 0 }, finishedAt: null };
}
