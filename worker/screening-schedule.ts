import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import { screeningMonitorWorkflow } from '../workflows/screening-monitor.workflow.js';

export const SCREENING_SCHEDULE_ID = 'screening-lists-refresh';

type ScheduleConfig = Pick<Config, 'TEMPORAL_TASK_QUEUE' | 'SCREENING_LIST_PATHS' | 'SCREENING_REFRESH_HOURS' | 'SCREENING_MONITOR_PAGE_SIZE'>;

/**
 * The Temporal Schedule that reloads the configured list files every `SCREENING_REFRESH_HOURS`
 * and re-screens approved customers against what changed. Created (or brought up to date with the
 * settings) when a worker starts; none without list paths. One run at a time: overlaps are skipped.
 * A new schedule runs once at once, so a fresh deployment screens against its lists from the start
 * rather than after the first interval.
 */
export async function ensureScreeningSchedule(client: Client, config: ScheduleConfig): Promise<void> {
  const options = {
    spec: { intervals: [{ every: `${config.SCREENING_REFRESH_HOURS}h` }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: screeningMonitorWorkflow,
      workflowId: 'screening-monitor:scheduled',
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ listPaths: config.SCREENING_LIST_PATHS, pageSize: config.SCREENING_MONITOR_PAGE_SIZE }] as [Parameters<typeof screeningMonitorWorkflow>[0]],
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
  };
  if (!config.SCREENING_LIST_PATHS.length) return;
  try {
    await client.schedule.create({ scheduleId: SCREENING_SCHEDULE_ID, ...options, state: { triggerImmediately: true } });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await client.schedule.getHandle(SCREENING_SCHEDULE_ID).update((previous) => ({ ...previous, ...options }));
  }
}
