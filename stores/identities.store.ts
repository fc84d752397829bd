import { createHmac } from 'node:crypto';
import type { Collection, Db } from 'mongodb';
import countries from 'i18n-iso-countries';
import { toAlpha2 } from '../screening/countries.js';
import { isDuplicateKey } from './mongo-errors.js';

/**
 * Duplicate-identity keys and the blocklist. A document (type + issuing state + number) and a
 * person (normalised name + birth date) are stored only as keyed hashes (HMAC-SHA256 with
 * `IDENTITY_HASH_SECRET`): equal values find each other, nothing is readable. One document per
 * profile, keyed by profile id (erasure is one delete).
 */
export interface IdentityKeys {
  docKey: string | null;
  personKey: string | null;
}

interface IdentityDoc extends IdentityKeys {
  _id: string; // profileId
  userId: string;
  at: Date;
}

export interface BlocklistDoc {
  _id: string; // `doc:${docKey}`, or `face:${profileId}` (stores/face-descriptors.store.ts)
  kind: 'DOCUMENT' | 'FACE';
  reason: string;
  addedBy: string;
  /** The profile whose document was blocked (ids only). */
  profileId: string | null;
  at: Date;
}

const identities = (db: Db): Collection<IdentityDoc> => db.collection('screening_identities');
const blocklist = (db: Db): Collection<BlocklistDoc> => db.collection('screening_blocklist');

export async function ensureIdentityIndexes(db: Db): Promise<void> {
  await identities(db).createIndex({ docKey: 1 }, { name: 'by_document' });
  await identities(db).createIndex({ personKey: 1 }, { name: 'by_person' });
  await identities(db).createIndex({ userId: 1 }, { name: 'by_user' }); // erasure and export
}

const norm = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * The issuing state as one code however it was written (`SN`, `SEN`, `Senegal`, ICAO's `D` for
 * Germany): a blocklisted or already used document must not pass because its issuer was typed
 * another way. Unknown values are kept as written.
 */
const issuerCode = (issuer: string): string => {
  const alpha2 = toAlpha2(issuer);
  return (alpha2 && countries.alpha2ToAlpha3(alpha2)) ?? norm(issuer);
};

export function identityKeys(secret: string, doc: { docType: string; issuer: string | null; number: string | null }, person: { sortedName: string | null; birthDate: string | null }): IdentityKeys {
  const hmac = (text: string) => createHmac('sha256', secret).update(text).digest('hex');
  return {
    docKey: doc.number && doc.issuer ? hmac(`doc|${doc.docType}|${issuerCode(doc.issuer)}|${norm(doc.number)}`) : null,
    personKey: person.sortedName && person.birthDate ? hmac(`person|${person.sortedName}|${person.birthDate}`) : null,
  };
}

export async function saveIdentity(db: Db, profileId: string, userId: string, keys: IdentityKeys): Promise<void> {
  await identities(db).replaceOne({ _id: profileId }, { userId, ...keys, at: new Date() }, { upsert: true });
}

/** Other users' profiles holding the same document or the same person. */
export async function profilesSharing(db: Db, userId: string, keys: IdentityKeys): Promise<Array<{ profileId: string; userId: string; match: 'DOCUMENT' | 'NAME_AND_BIRTH_DATE' }>> {
  const or = [...(keys.docKey ? [{ docKey: keys.docKey }] : []), ...(keys.personKey ? [{ personKey: keys.personKey }] : [])];
  if (!or.length) return [];
  const found = await identities(db).find({ $or: or, userId: { $ne: userId } }).limit(20).toArray();
  return found.map((d) => ({ profileId: d._id, userId: d.userId, match: keys.docKey && d.docKey === keys.docKey ? 'DOCUMENT' : 'NAME_AND_BIRTH_DATE' }));
}

/** Erasure: the identity keys of these profiles (all the user's when `profileIds` is null). */
export async function deleteIdentities(db: Db, userId: string, profileIds: string[] | null): Promise<number> {
  return (await identities(db).deleteMany({ userId, ...(profileIds ? { _id: { $in: profileIds } } : {}) })).deletedCount;
}

export const identitiesOfUser = (db: Db, userId: string) =>
  identities(db).find({ userId }, { projection: { _id: 1, at: 1 } }).toArray();

export const findBlockedDocument = (db: Db, docKey: string | null): Promise<BlocklistDoc | null> =>
  docKey ? blocklist(db).findOne({ _id: `doc:${docKey}` }) : Promise.resolve(null);

/** Adds a document to the blocklist; false when it is listed already. */
export async function blockDocument(db: Db, docKey: string, entry: Omit<BlocklistDoc, '_id' | 'kind' | 'at'>): Promise<boolean> {
  try {
    await blocklist(db).insertOne({ _id: `doc:${docKey}`, kind: 'DOCUMENT', ...entry, at: new Date() });
    return true;
  } catch (err) {
    if (isDuplicateKey(err)) return false;
    throw err;
  }
}

/** Documents and faces, newest first; a blocked face's sealed descriptors stay in the database. */
export const listBlocklist = (db: Db): Promise<BlocklistDoc[]> => blocklist(db).find({}, { projection: { face: 0 } }).sort({ at: -1 }).limit(500).toArray();
/** A removed blocklist entry, kept for audit: what was blocked, by whom and why, who removed it and why. */
export interface BlocklistRemovalDoc extends Omit<BlocklistDoc, '_id' | 'at'> {
  _id: string; // `${blockId}@${removedAt ISO}`
  blockId: string;
  addedAt: Date;
  removedBy: string;
  removedAt: Date;
  removalReason: string | null;
}

const removals = (db: Db): Collection<BlocklistRemovalDoc> => db.collection('screening_blocklist_removals');

/**
 * Removes an entry (false if there is none), recording the removal first: a crash in between
 * leaves the entry in force and a record of the attempt, never an unrecorded removal.
 */
export async function unblock(db: Db, id: string, by: { removedBy: string; removalReason: string | null }): Promise<boolean> {
  const entry = await blocklist(db).findOne({ _id: id }, { projection: { face: 0 } });
  if (!entry) return false;
  const { _id, at, ...blocked } = entry;
  const removedAt = new Date();
  const record = { _id: `${_id}@${removedAt.toISOString()}`, blockId: _id, ...blocked, addedAt: at, ...by, removedAt };
  await removals(db).insertOne(record);
  if ((await blocklist(db).deleteOne({ _id: id })).deletedCount === 1) return true;
  await removals(db).deleteOne({ _id: record._id }); // another admin removed it meanwhile
  return false;
}

/** The latest removals, newest first. */
export const listBlocklistRemovals = (db: Db, limit = 100): Promise<BlocklistRemovalDoc[]> => removals(db).find({}).sort({ removedAt: -1 }).limit(limit).toArray();
