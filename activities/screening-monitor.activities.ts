import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { EncryptionKeys } from '../codec/master-keys.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { ScreeningIndex } from '../screening/index.js';
import { findKycProfile, profileDto } from '../stores/kyc-profiles.store.js';
import { entriesChangedIn } from '../stores/screening-lists.store.js';
import { approvedProfilesAfter, claimAlert } from '../stores/screening-alerts.store.js';
import { loadScreeningSubjects } from '../stores/screening-subjects.store.js';
import { screeningAlertSignal } from '../workflows/kyc-profile.messages.js';
import { importListFiles } from './screening-lists.activities.js';

export interface MonitoringDeps {
  db: Db;
  keys: EncryptionKeys;
  threshold: number;
  /** To reopen profiles (signal-with-start); the worker's own client. */
  client: () => Client;
  taskQueue: string;
}

/** Monitoring: load list files, re-screen approved customers page by page against a list delta. */
export function createMonitoringActivities({ db, keys, threshold, client, taskQueue }: MonitoringDeps) {
  // One delta index per set of versions, kept while a monitoring run pages through customers.
  let delta: { key: string; index: ScreeningIndex } | null = null;
  async function deltaIndex(versionIds: string[]): Promise<ScreeningIndex> {
    const key = [...versionIds].sort().join(',');
    if (delta?.key !== key) {
      const index = new ScreeningIndex();
      for await (const entry of entriesChangedIn(db, versionIds)) index.add(entry);
      delta = { key, index };
    }
    return delta.index;
  }

  return {
    loadScreeningLists: ({ paths }: { paths: string[] }) => importListFiles(db, paths),

    async rescreenApprovedPage({ versionIds, after, limit }: { versionIds: string[]; after: string | null; limit: number }): Promise<PageResult> {
      const index = await deltaIndex(versionIds);
      const profiles = await approvedProfilesAfter(db, after, limit);
      const subjects = index.size ? await loadScreeningSubjects(db, keys, profiles.map((p) => p._id)) : new Map();
      let alerted = 0;
      for (const [i, profile] of profiles.entries()) {
        if (i % 500 === 0) heartbeat(i);
        const subject = subjects.get(profile._id);
        if (!subject) continue; // screened before monitoring existed, or erased
        const hits = index.screen(subject, { threshold, limit: 20 });
        const fresh = [];
        for (const hit of hits) if (await claimAlert(db, profile._id, hit.entryId, versionIds)) fresh.push(hit);
        if (!fresh.length) continue;
        await reopen(profile._id, versionIds.at(-1)!, fresh);
        alerted++;
      }
      return { screened: profiles.length, alerted, next: profiles.length === limit ? profiles.at(-1)!._id : null };
    },
  };

  /** Signals the profile's workflow, or starts a new run of it from the read model if it has closed. */
  async function reopen(profileId: string, listVersion: string, hits: ReturnType<ScreeningIndex['screen']>) {
    const doc = await findKycProfile(db, profileId);
    if (!doc) return;
    await client().workflow.signalWithStart('kycProfileWorkflow', {
      workflowId: kycProfileWorkflowId(profileId),
      taskQueue,
      args: [{ profileId, userId: doc.userId, country: doc.country, ttlMs: 24 * 3_600_000, resume: { status: profileDto(doc), version: doc.version } }],
      signal: screeningAlertSignal,
      signalArgs: [{ listVersion, hits }],
    });
  }
}

export type MonitoringActivities = ReturnType<typeof createMonitoringActivities>;

export interface PageResult {
  screened: number;
  alerted: number;
  /** Where the next page starts, or null after the last. */
  next: string | null;
}
