import { defineQuery } from '@temporalio/workflow';
import type { RetentionSweepProgress } from '../domain/data-protection.js';

/** The retention sweep's progress so far (pages, found, erased, held, failed by category). */
export const getSweepProgressQuery = defineQuery<RetentionSweepProgress>('getSweepProgress');
