import type { Collection, Db } from 'mongodb';
import type { CardApplication } from '../domain/cards.js';
import { saveSnapshot } from './snapshots.js';

/** Card application read models (the user's cards are the issued ones). */
export interface CardApplicationDoc extends Omit<CardApplication, 'createdAt' | 'updatedAt'> {
  _id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

const applications = (db: Db): Collection<CardApplicationDoc> => db.collection('card_applications');

export async function ensureCardIndexes(db: Db): Promise<void> {
  await applications(db).createIndex({ userId: 1, createdAt: -1 }, { name: 'by_user' });
}

export async function saveCardApplication(db: Db, version: number, app: CardApplication): Promise<void> {
  const doc = { ...app, _id: app.taskId, version, createdAt: new Date(app.createdAt), updatedAt: new Date(app.updatedAt) };
  await saveSnapshot(applications(db), doc);
}

export const findCardApplication = (db: Db, taskId: string): Promise<CardApplicationDoc | null> => applications(db).findOne({ _id: taskId });

export function cardApplicationDto({ _id, version, ...app }: CardApplicationDoc): CardApplication {
  return { ...app, createdAt: app.createdAt.toISOString(), updatedAt: app.updatedAt.toISOString() };
}

export const cardsOfUser = (db: Db, userId: string): Promise<CardApplicationDoc[]> =>
  applications(db).find({ userId, cardId: { $ne: null } }).sort({ createdAt: -1, _id: -1 }).limit(100).toArray();

/** Every card application of a user, issued or not (erasure and the data export). */
export const cardApplicationsOfUser = (db: Db, userId: string): Promise<CardApplicationDoc[]> =>
  applications(db).find({ userId }).sort({ createdAt: 1, _id: 1 }).limit(1_000).toArray();
