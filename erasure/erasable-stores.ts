import type { Db } from 'mongodb';
import { redactedStatus, type ErasureScope } from '../domain/data-protection.js';
import { statusForUser } from '../domain/kyc-status-for-user.js';
import { cardApplicationsOfUser } from '../stores/cards.store.js';
import { erasuresOfUser } from '../stores/erasure-log.store.js';
import { deleteFilesOf, filesOf } from '../stores/files.store.js';
import { markProfileFilesErased, profileDto, profilesOfUser, releaseActiveProfile, saveRedactedKycProfile } from '../stores/kyc-profiles.store.js';
import { findKycUser, markLatestProfileErased } from '../stores/kyc-users.store.js';
import { deleteFingerprintsOf } from '../stores/liveness-fingerprints.store.js';
import { paymentsOfUser } from '../stores/payments.store.js';
import { deleteIdentities, identitiesOfUser } from '../stores/identities.store.js';
import { deleteAlertsOf } from '../stores/screening-alerts.store.js';
import { deleteFaceDescriptors, faceDescriptorsOfUser } from '../stores/face-descriptors.store.js';
import { deleteScreeningSubjects, screeningSubjectsOfUser } from '../stores/screening-subjects.store.js';
import type { ErasureSubject } from './erasure-subject.js';

/**
 * Every store that holds data on a person, with what erasure does to it and what the data export
 * shows of it. A store added to the project that holds personal data gets an entry here; the
 * erasure and export tests then cover it.
 */
export interface ErasableStore {
  name: string;
  /** Erases or redacts the subject's records for these scopes; returns how many changed. Idempotent. */
  erase?: { scopes: readonly ErasureScope[]; run(db: Db, subject: ErasureSubject, erasure: { erasureId: string; at: Date }): Promise<number> };
  /** What it holds on the user, for the export (right of access). */
  export?(db: Db, userId: string): Promise<unknown>;
  /** Why it keeps what it keeps (shown in the README's data map). */
  keeps?: string;
}

export const ERASABLE_STORES: readonly ErasableStore[] = [
  {
    name: 'files',
    erase: {
      scopes: ['user', 'profile', 'files'],
      run: (db, s) => deleteFilesOf(db, { userId: s.userId, profileIds: s.scope === 'user' ? undefined : s.profileIds, fileIds: s.fileIds }),
    },
    export: async (db, userId) => (await filesOf(db, { userId })).map((file) => ({ ...file, url: `/api/web/kycService/files/${file.fileId}` })),
  },
  {
    name: 'kyc_profiles',
    erase: {
      scopes: ['user', 'profile', 'files'],
      async run(db, subject, { erasureId, at }) {
        const profiles = (await profilesOfUser(db, subject.userId)).filter((p) => subject.profileIds.includes(p._id));
        let changed = 0;
        for (const profile of profiles) {
          if (subject.scope === 'files') await markProfileFilesErased(db, profile._id, at);
          else if (!profile.erasedAt && (await saveRedactedKycProfile(db, redactedStatus(profileDto(profile), at.toISOString()), erasureId))) changed++;
        }
        return changed;
      },
    },
    // As the user sees their profile (an allow-list): screening (sanctions/PEP hits: tipping-off;
    // duplicate links: other customers' ids) and review internals stay with staff.
    export: async (db, userId) => (await profilesOfUser(db, userId)).map((doc) => statusForUser(profileDto(doc))),
    keeps: 'ids, stages, dates, decisions and their reasons (what AML record-keeping requires)',
  },
  {
    // Derived from the liveness videos: goes with them (replays of an erased recording are no longer recognised).
    name: 'liveness_fingerprints',
    erase: {
      scopes: ['user', 'profile', 'files'],
      run: (db, s) => deleteFingerprintsOf(db, { userId: s.userId, fileIds: s.scope === 'user' ? undefined : s.fileIds }),
    },
  },
  {
    name: 'kyc_active_profiles',
    erase: {
      scopes: ['user', 'profile'],
      async run(db, subject) {
        for (const profileId of subject.profileIds) await releaseActiveProfile(db, subject.userId, profileId);
        return 0; // a claim holds no personal data: releasing it only lets the user start afresh
      },
    },
  },
  {
    name: 'screening_subjects',
    erase: {
      scopes: ['user', 'profile'],
      run: (db, s) => deleteScreeningSubjects(db, s.userId, s.scope === 'user' ? null : s.profileIds),
    },
    export: async (db, userId) => (await screeningSubjectsOfUser(db, userId)).map((d) => ({ profileId: d._id, screenedAt: d.screenedAt, holds: 'name, birth date and nationality as confirmed on the document (sealed)' })),
  },
  {
    name: 'screening_identities',
    erase: {
      scopes: ['user', 'profile'],
      run: (db, s) => deleteIdentities(db, s.userId, s.scope === 'user' ? null : s.profileIds),
    },
    export: async (db, userId) => (await identitiesOfUser(db, userId)).map((d) => ({ profileId: d._id, at: d.at, holds: 'keyed hashes of the document and of name + birth date (duplicate detection)' })),
  },
  {
    name: 'face_descriptors',
    erase: {
      scopes: ['user', 'profile'],
      run: (db, s) => deleteFaceDescriptors(db, s.userId, s.scope === 'user' ? null : s.profileIds),
    },
    export: async (db, userId) => (await faceDescriptorsOfUser(db, userId)).map((d) => ({ profileId: d._id, model: d.model, storedAt: d.storedAt, holds: "the document portrait's and the selfie's face descriptors (sealed; duplicate-face search)" })),
  },
  {
    name: 'screening_alerts',
    // Which list entry was raised against which profile: not exported (no tipping-off).
    erase: { scopes: ['user', 'profile'], run: (db, s) => deleteAlertsOf(db, s.profileIds) },
  },
  {
    name: 'screening_blocklist',
    keeps: 'a blocked document as a keyed hash, a blocked face as its sealed descriptors, with the reviewer, reason and profile id (fraud prevention: a blocked document or face stays blocked)',
  },
  {
    name: 'kyc_users',
    // The erased profile stops standing as the user's KYC: `/didit/status` no longer says verified,
    // cards are refused, and the user may be verified afresh.
    erase: { scopes: ['user', 'profile'], run: (db, s, { at }) => markLatestProfileErased(db, s.userId, s.profileIds, at) },
    export: async (db, userId) => {
      const summary = await findKycUser(db, userId);
      return summary ? [summary] : [];
    },
    keeps: "the user's latest profile stage and KYC fee payment (ids, stages, dates)",
  },
  {
    name: 'card_applications',
    export: (db, userId) => cardApplicationsOfUser(db, userId),
    keeps: 'ids, stages and dates (no PII: shipping details live only in the shredded workflow history)',
  },
  {
    name: 'fee_payments',
    export: (db, userId) => paymentsOfUser(db, userId),
    keeps: 'amounts, statuses and dates: bookkeeping records with no PII',
  },
  {
    name: 'data_erasures',
    export: (db, userId) => erasuresOfUser(db, userId),
    keeps: 'the erasure log itself: proof of what was erased, when, by whom, on which basis',
  },
];

/** Runs every store's erasure for the subject's scope; counts by store. */
export async function eraseFromStores(db: Db, subject: ErasureSubject, erasure: { erasureId: string; at: Date }): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const store of ERASABLE_STORES) {
    if (store.erase?.scopes.includes(subject.scope)) counts[store.name] = await store.erase.run(db, subject, erasure);
  }
  return counts;
}
