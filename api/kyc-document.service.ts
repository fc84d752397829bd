import type { Client } from '@temporalio/client';
import type { FastifyRequest } from 'fastify';
import type { Db } from 'mongodb';
import { IMAGE_TYPES } from '../domain/file-types.js';
import { ImageTooLarge, inspectImage } from '../vision/image-decode.js';
import { kycProfileWorkflowId } from '../domain/ids.js';
import type { DocumentFields } from '../domain/kyc-document.js';
import { uploadDocumentFields } from '../domain/kyc-service.schemas.js';
import { assignFilesToProfile, UploadRejected } from '../stores/files.store.js';
import { findProfileByDocumentId } from '../stores/kyc-profiles.store.js';
import {
  confirmDocumentUpdate,
  recordDocumentMetadataUpdate,
  submitDocumentUpdate,
  uploadDocumentUpdate,
  type DocumentMetadataInput,
  type UploadDocumentResult,
} from '../workflows/kyc-profile.messages.js';
import { HttpError } from './http-error.js';
import { ownedBy } from './ownership.js';
import type { KycProfileService } from './kyc-profile.service.js';
import { receiveUpload } from './uploads.js';
import type { AuthClaims } from './plugins/auth.js';
import { callWorkflow } from './workflow-errors.js';

const IMAGE_FIELDS = ['frontImage', 'backImage'] as const;

export interface KycDocumentServiceDeps {
  client: Client;
  db: Db;
  profiles: KycProfileService;
}

/** The seed-003 document routes: files to GridFS, steps to the profile workflow as Updates. */
export function createKycDocumentService({ client, db, profiles }: KycDocumentServiceDeps) {
  /** Decompression bombs are refused from the header, before anything decodes them (413). */
  const refuseOversized = (field: string) => async (bytes: Buffer) => {
    try {
      await inspectImage(bytes);
    } catch (err) {
      if (err instanceof ImageTooLarge) throw new UploadRejected(413, `${field}: ${err.message}`);
      // Other unreadable files go on to the document step, which answers UNREADABLE_IMAGE (422).
    }
  };

  /** The profile workflow that holds `documentId`, if the viewer may act on it. */
  async function documentHandle(documentId: number, viewer: AuthClaims) {
    const owner = ownedBy(await findProfileByDocumentId(db, documentId), viewer, 'document');
    return client.workflow.getHandle(kycProfileWorkflowId(owner._id));
  }

  return {
    /** The images to storage, then the upload Update (`receiveUpload` deletes them on any refusal). */
    async upload(request: FastifyRequest, viewer: AuthClaims): Promise<UploadDocumentResult> {
      const spec = { fileFields: IMAGE_FIELDS, accept: IMAGE_TYPES, owner: { userId: viewer.sub, purpose: 'document' }, check: refuseOversized };
      return receiveUpload(request, db, spec, async ({ fields, files, handOver }) => {
        const form = uploadDocumentFields.safeParse(fields);
        if (!form.success) throw new HttpError(400, `invalid form: ${form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        const front = files.get('frontImage');
        if (!front) throw new HttpError(400, 'frontImage: a photo of the document is required');
        const { handle } = await profiles.open(form.data.profileId, viewer);
        await assignFilesToProfile(db, [...files.values()].map((f) => f.fileId), form.data.profileId); // erasing the profile finds them
        return handOver(() => callWorkflow('profile', () => handle.executeUpdate(uploadDocumentUpdate, {
          args: [{ docType: form.data.docType, country: form.data.country, frontFileId: front.fileId, backFileId: files.get('backImage')?.fileId ?? null }],
        })));
      });
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
