import type { Db } from 'mongodb';
import type { EncryptionKeys } from '../codec/master-keys.js';
import type { DuplicateCheck, DuplicateLink } from '../domain/screening.js';
import { FaceIndex, type FaceMatch } from '../screening/face-index.js';
import { blockedFaces, faceVersions, loadFaceDescriptors } from '../stores/face-descriptors.store.js';
import { isFinalStage } from '../domain/kyc-stage.js';
import { findKycProfile } from '../stores/kyc-profiles.store.js';
import { parseFaceRowKey, type createFaceIndexCache } from './face-index.cache.js';

export interface FaceDuplicateDeps {
  db: Db;
  keys: EncryptionKeys;
  faceIndex: ReturnType<typeof createFaceIndexCache>;
  /** FACE_MATCH_THRESHOLD: the match band, in the configured model's metric. */
  matchBand: number;
  /** FACE_DESCRIPTOR_MODEL: the band holds for this model only. */
  model: string;
}

/**
 * Duplicate-face search: the profile's document portrait and selfie descriptors (stored sealed by
 * the face match) against every other user's within the match band, and against the face blocklist.
 */
export function createFaceDuplicateActivities({ db, keys, faceIndex, matchBand, model }: FaceDuplicateDeps) {
  return {
    async checkDuplicateFaces({ profileId, userId }: { profileId: string; userId: string }): Promise<DuplicateCheck> {
      const face = await loadFaceDescriptors(db, keys, profileId);
      // No descriptors (no face found), or another model's: its distances mean nothing in this band.
      if (!face || !face.model.startsWith(`${model}@`)) return { duplicates: [], blocked: null };
      const probes = [face.document, face.selfie];
      const blocked = await findBlockedFace(face.model, face.metric, probes);
      const index = await faceIndex(face.model);
      const rows = index ? probes.flatMap((probe) => index.search(probe, matchBand, 50)) : [];
      return { duplicates: await liveDuplicates(userId, rows), blocked };
    },
  };

  async function findBlockedFace(faceModel: string, metric: FaceIndex['metric'], probes: Float32Array[]): Promise<DuplicateCheck['blocked']> {
    const entries = await blockedFaces(db, keys, faceModel);
    if (!entries.length) return null;
    const index = new FaceIndex(faceModel, probes[0]!.length, metric, entries.length * 2);
    entries.forEach((e, i) => e.descriptors.forEach((d) => index.add(String(i), d)));
    const nearest = probes.flatMap((p) => index.search(p, matchBand, 1)).sort((a, b) => a.distance - b.distance)[0];
    const entry = nearest && entries[Number(nearest.key)]!;
    return entry ? { reason: entry.reason, addedBy: entry.addedBy, listedAt: entry.at.toISOString() } : null;
  }

  /** Other users' current records (not replaced, not erased) on profiles still open or approved. */
  async function liveDuplicates(userId: string, rows: FaceMatch[]): Promise<DuplicateLink[]> {
    const nearest = new Map<string, { storedAt: number; distance: number }>();
    for (const row of rows) {
      const { profileId, storedAt } = parseFaceRowKey(row.key);
      const known = nearest.get(`${profileId}|${storedAt}`);
      if (!known || row.distance < known.distance) nearest.set(`${profileId}|${storedAt}`, { storedAt, distance: row.distance });
    }
    const candidates = [...nearest.entries()].map(([key, v]) => ({ profileId: key.split('|')[0]!, ...v }));
    const current = await faceVersions(db, candidates.map((c) => c.profileId));
    const links: DuplicateLink[] = [];
    for (const c of candidates.sort((a, b) => a.distance - b.distance)) {
      const stored = current.get(c.profileId);
      if (!stored || stored.storedAt !== c.storedAt || stored.userId === userId) continue;
      const stage = (await findKycProfile(db, c.profileId))?.stage;
      // Open or approved: closed (final, not approved) profiles no longer count, as the stage table says.
      if (stage && (stage === 'APPROVED' || !isFinalStage(stage))) links.push({ profileId: c.profileId, userId: stored.userId, match: 'FACE', distance: Math.round(c.distance * 1e4) / 1e4 });
      if (links.length === 10) break;
    }
    return links;
  }
}

export type FaceDuplicateActivities = ReturnType<typeof createFaceDuplicateActivities>;
