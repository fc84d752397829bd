import { heartbeat } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import type { Db } from 'mongodb';
import type { EncryptionKeys } from '../codec/master-keys.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import { ScreeningIndex } from '../screening/index.js';
import { findKycProfile, profileDto, type KycProfileDoc } from '../stores/kyc-profiles.store.js';
import { entriesChangedIn } from '../stores/screening-lists.store.js';
import { claimAlert } from '../stores/screening-alerts.store.js';
import { screeningSubjectsAfter } from '../stores/screening-subjects.store.js';
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
  let delta: { key: string; index: ScreeningIndex; hashes: Map<string, string> } | null = null;
  async function deltaIndex(versionIds: string[]): Promise<NonNullable<typeof delta>> {
    const key = [...versionIds].sort().join(',');
    if (delta?.key !== key) {
      const index = new ScreeningIndex();
      const hashes = new Map<string, string>();
      for await (const { entry, hash } of entriesChangedIn(db, versionIds)) {
        index.add(entry);
        hashes.set(entry.id, hash);
      }
      delta = { key, index, hashes };
    }
    return delta;
  }

  return {
    loadScreeningLists: ({ paths }: { paths: string[] }) => importListFiles(db, paths),

    /**
     * Screens a page of stored subjects against the delta; a subject with a new hit whose profile
     * is approved reopens it. Every stored subject is screened in memory (cheap) and only the rare
     * hits look up their profile's stage: paging the read model by stage is what was slow.
     */
    async rescreenApprovedPage({ versionIds, after, limit }: { versionIds: string[]; after: string | null; limit: number }): Promise<PageResult> {
      const { index, hashes } = await deltaIndex(versionIds);
      const { subjects, last } = await screeningSubjectsAfter(db, keys, after, limit);
      let alerted = 0;
      for (const [i, subject] of subjects.entries()) {
        if (i % 500 === 0) heartbeat(i);
        const hits = index.size ? index.screen(subject, { threshold, limit: 20 }) : [];
        if (!hits.length) continue;
        const doc = await findKycProfile(db, subject.profileId);
        if (doc?.stage !== 'APPROVED') continue; // in progress or decided otherwise: onboarding screens it
        const fresh = [];
        for (const hit of hits) if (await claimAlert(db, subject.profileId, hit.entryId, hashes.get(hit.entryId) ?? '')) fresh.push(hit);
        if (!fresh.length) continue;
        await reopen(doc, versionIds.at(-1)!, fresh);
        alerted++;
      }
      return { screened: subjects.length, alerted, next: last };
    },
  };

  /** Signals the profile's workflow, or starts a new run of it from the read model if it has closed. */
  async function reopen(doc: KycProfileDoc, listVersion: string, hits: ReturnType<ScreeningIndex['screen']>) {
    const profileId = doc._id;
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
  /** Stored subjects screened (every profile with a screened identity; only approved ones are alerted). */
  screened: number;
  alerted: number;
  /** Where the next page starts, or null after the last. */
  next: string | null;
}
