import type { Db } from 'mongodb';
import type { EncryptionKeys } from '../codec/master-keys.js';
import type { DuplicateCheck, ScreeningResult } from '../domain/screening.js';
import type { ScreeningSubject } from '../screening/index.js';
import { saveScreeningSubject } from '../stores/screening-subjects.store.js';
import { findBlockedDocument, identityKeys, profilesSharing, saveIdentity } from '../stores/identities.store.js';
import { findKycProfile } from '../stores/kyc-profiles.store.js';
import { sortedName } from '../screening/names.js';
import type { DocumentFields } from '../domain/kyc-document.js';
import type { createScreeningIndexCache } from './screening-index.cache.js';

export interface ScreeningActivityDeps {
  db: Db;
  identityHashSecret: string;
  keys: EncryptionKeys;
  screeningIndex: ReturnType<typeof createScreeningIndexCache>;
  threshold: number;
}

/** Sanctions / PEP screening of a confirmed identity against the lists loaded in MongoDB. */
export function createScreeningActivities({ db, keys, screeningIndex, threshold, identityHashSecret }: ScreeningActivityDeps) {
  return {
    async screenPerson({ profileId, userId, subject }: { profileId: string; userId: string; subject: ScreeningSubject }): Promise<ScreeningResult> {
      // Kept (sealed) so monitoring can re-screen the person when the lists change.
      await saveScreeningSubject(db, keys, profileId, userId, subject);
      const loaded = await screeningIndex();
      if (!loaded) return { listVersion: null, hits: [], problem: 'no sanctions list is loaded' };
      const hits = loaded.index.screen(subject, { threshold, limit: 20 });
      return { listVersion: loaded.version, hits, problem: null };
    },

    /**
     * Registers the profile's document and person keys, and answers other users' active or approved
     * profiles with the same document or the same name and birth date, and whether the document is
     * blocklisted.
     */
    async checkDuplicates({ profileId, userId, docType, fields }: { profileId: string; userId: string; docType: string; fields: DocumentFields }): Promise<DuplicateCheck> {
      const sorted = fields.name ? sortedName(fields.name) : null;
      const keys = identityKeys(identityHashSecret, { docType, issuer: fields.issuer ?? fields.nationality, number: fields.idNumber }, { sortedName: sorted, birthDate: fields.birthDate });
      await saveIdentity(db, profileId, userId, keys);
      const blocked = await findBlockedDocument(db, keys.docKey);
      const sharing = await profilesSharing(db, userId, keys);
      const live = await Promise.all(sharing.map(async (s) => ({ ...s, stage: (await findKycProfile(db, s.profileId))?.stage })));
      const duplicates = live.filter((s) => s.stage && !['REJECTED', 'EXPIRED', 'CANCELLED'].includes(s.stage)).map(({ profileId: other, userId: otherUser, match }) => ({ profileId: other, userId: otherUser, match }));
      return { duplicates, blocked: blocked ? { reason: blocked.reason, addedBy: blocked.addedBy, listedAt: blocked.at.toISOString() } : null };
    },
  };
}

export type ScreeningActivities = ReturnType<typeof createScreeningActivities>;
