import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { IMAGE_TYPES } from '../domain/file-types.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import type { DocumentFields } from '../domain/kyc-document.js';
import { uploadDocumentFields } from '../domain/kyc-service.schemas.js';
import { deleteFile, storeUpload, UploadRejected, type StoredFile } from '../stores/files.store.js';
import { findProfileByDocumentId } from '../stores/kyc-profiles.store.js';
import {
  confirmDocumentUpdate,
  recordDocumentMetadataUpdate,
  submitDocumentUpdate,
  uploadDocumentUpdate,
  type DocumentMetadataInput,
  type UploadDocumentResult,
} from '../workflows/kyc-profile.messages.js';
import { HttpError, notFound } from './http-error.js';
import type { KycProfileService } from './kyc-profile.service.js';
import type { AuthClaims } from './plugins/auth.js';
import { callWorkflow, isRefusedStep } from './workflow-errors.js';

const IMAGE_FIELDS = ['frontImage', 'backImage'] as const;
type ImageField = (typeof IMAGE_FIELDS)[number];

export interface KycDocumentServiceDeps {
  client: Client;
  db: Db;
  profiles: KycProfileService;
}

/** The seed-003 document routes: files to GridFS, steps to the profile workflow as Updates. */
export function createKycDocumentService({ client, db, profiles }: KycDocumentServiceDeps) {
  /** The profile workflow that holds `documentId`, if the viewer may act on it. */
  async function documentHandle(documentId: number, viewer: AuthClaims) {
    const owner = await findProfileByDocumentId(db, documentId);
    if (!owner || (owner.userId !== viewer.sub && viewer.role !== 'admin')) throw notFound('document');
    return client.workflow.getHandle(kycProfileWorkflowId(owner._id));
  }

  return {
    /**
     * Streams the images to storage while reading the form, then runs the upload Update. Files are
     * deleted again if anything fails before the workflow took them, or if it refused the step.
     */
    async upload(request: FastifyRequest, viewer: AuthClaims): Promise<UploadDocumentResult> {
      const stored = new Map<ImageField, StoredFile>();
      const fields: Record<string, string> = {};
      let handedOver = false;
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') fields[part.fieldname] = String((part as MultipartValue).value);
          else stored.set(await imageField(part, stored), await storeUpload(db, part.file, {
            field: part.fieldname,
            owner: { userId: viewer.sub, purpose: 'document' },
            accept: IMAGE_TYPES,
          }));
        }
        const form = uploadDocumentFields.safeParse(fields);
        if (!form.success) throw new HttpError(400, `invalid form: ${form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const front = stored.get('frontImage');
        if (!front) throw new HttpError(400, 'frontImage: a photo of the document is required');
        const { handle } = await profiles.open(form.data.profileId, viewer);
        handedOver = true;
        return await callWorkflow('profile', () => handle.executeUpdate(uploadDocumentUpdate, {
          args: [{ docType: form.data.docType, country: form.data.country, frontFileId: front.fileId, backFileId: stored.get('backImage')?.fileId ?? null }],
        }));
      } catch (err) {
        if (!handedOver || isRefusedStep(err)) await Promise.all([...stored.values()].map((f) => deleteFile(db, f.fileId)));
        if (err instanceof UploadRejected) throw new HttpError(err.statusCode, err.message);
        throw err;
      }
    },

    async recordMetadata(input: DocumentMetadataInput & { profileId: string }, viewer: AuthClaims): Promise<{ documentId: number }> {
      const { handle } = await profiles.open(input.profileId, viewer);
      const { profileId: _, ...metadata } = input;
      return callWorkflow('profile', () => handle.executeUpdate(recordDocumentMetadataUpdate, { args: [metadata] }));
    },

    async confirm(documentId: number, body: Partial<DocumentFields> & { userModified?: boolean }, viewer: AuthClaims) {
      const handle = await documentHandle(documentId, viewer);
      const { userModified = false, ...fields } = body;
      return callWorkflow('document', () => handle.executeUpdate(confirmDocumentUpdate, { args: [{ documentId, fields, userModified }] }));
    },

    async submit(documentId: number, viewer: AuthClaims) {
      const handle = await documentHandle(documentId, viewer);
      return callWorkflow('document', () => handle.executeUpdate(submitDocumentUpdate, { args: [{ documentId }] }));
    },
  };
}

export type KycDocumentService = ReturnType<typeof createKycDocumentService>;

/** Only frontImage and backImage, once each. A refused part is drained first, or the request stalls. */
async function imageField(part: MultipartFile, stored: Map<ImageField, StoredFile>): Promise<ImageField> {
  const name = part.fieldname as ImageField;
  const problem = !IMAGE_FIELDS.includes(name)
    ? `${part.fieldname}: unexpected file field; send frontImage and optionally backImage`
    : stored.has(name) ? `${name}: sent more than once` : undefined;
  if (!problem) return name;
  await pipeline(part.file, new Writable({ write: (_chunk, _encoding, done) => done() }));
  throw new HttpError(400, problem);
}
