import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiCode, ok } from '../../domain/api-response.js';
import { DocumentReviewStatus } from '../../domain/kyc-document.js';
import { statusForUser } from '../../domain/kyc-status-for-user.js';
import {
  confirmDocumentBody,
  documentIdQuery,
  documentMetadataBody,
  profileIdSchema,
  submitProfileBody,
} from '../../domain/kyc-service.schemas.js';
import { HttpError } from '../http-error.js';
import { apiResponses } from '../openapi.js';
import type { KycDocumentService } from '../kyc-document.service.js';
import type { KycProfileService } from '../kyc-profile.service.js';
import type { LivenessService } from '../liveness.service.js';
import { assertSelfOrAdmin, isAdmin } from '../plugins/auth.js';
import { writeRoute } from '../plugins/rate-limit.js';

const REVIEW_MESSAGES: Record<DocumentReviewStatus, string> = {
  [DocumentReviewStatus.AUTO_APPROVED]: 'Document approved automatically',
  [DocumentReviewStatus.MANUAL_REVIEW]: 'Document submitted for manual review',
  [DocumentReviewStatus.USER_MODIFIED_REVIEW]: 'Document submitted for manual review because the user modified its fields',
};

/** Seed 003: `/api/web/kycService/*`, answering `ApiResponse { code, message, data }`. */
export interface KycServiceRouteDeps {
  profiles: KycProfileService;
  documents: KycDocumentService;
  liveness: LivenessService;
}

export const kycServiceRoutes: FastifyPluginAsyncZod<KycServiceRouteDeps> = async (app, { profiles, documents, liveness }) => {
  const write = writeRoute;
  app.post('/submit', { schema: { summary: 'Create (or return) the active KYC profile of a user', body: submitProfileBody, response: apiResponses(402, 403) }, config: write }, async (request) => {
    assertSelfOrAdmin(request, request.body.userId);
    const { profileId, created } = await profiles.submit(request.body);
    return ok({ profileId }, created ? 'success' : 'an active profile already exists for this user');
  });

  app.get('/status/:profileId', { schema: { summary: "A profile's current status", params: z.object({ profileId: profileIdSchema }), response: apiResponses(404) } }, async (request) => {
    const status = await profiles.status(request.params.profileId, request.user);
    return ok({ status: isAdmin(request) ? status : statusForUser(status) }, 'query success');
  });

  app.post('/document', { schema: { summary: 'Record document metadata with image URLs (no OCR)', body: documentMetadataBody, response: apiResponses(404, 409) }, config: write }, async (request) => {
    const { docNumber, backImageUrl, expiryDate, issueCountry, ...rest } = request.body;
    const result = await documents.recordMetadata(
      { ...rest, docNumber: docNumber ?? null, backImageUrl: backImageUrl ?? null, expiryDate: expiryDate ?? null, issueCountry: issueCountry ?? null },
      request.user,
    );
    return ok(result, 'Document metadata saved');
  });

  app.post('/document/upload', { schema: { summary: 'Upload document photos; answers the fields read (OCR, MRZ)', consumes: ['multipart/form-data'], response: apiResponses(404, 409, 413, 415, 422) }, config: write }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(415, 'send multipart/form-data with profileId, docType, country, frontImage and optionally backImage');
    const result = await documents.upload(request, request.user);
    if (!result.ok) {
      const { errorCode, quality, errors } = result;
      return reply.status(422).send({ code: 42200, message: 'Document verification failed', data: { errorCode, qualityScores: quality?.scores ?? null, errors } });
    }
    const { documentId, fields, confidence, quality, readSource, mrzValid, crossCheck } = result;
    return ok({ documentId, ...fields, confidence, qualityScores: quality.scores, source: readSource, mrzValid, crossCheck: crossCheck ?? null }, 'Document uploaded successfully');
  });

  app.post('/document/confirm', { schema: { summary: 'Confirm or correct the fields read', querystring: documentIdQuery, body: confirmDocumentBody, response: apiResponses(404, 409) }, config: write }, async (request) => {
    const result = await documents.confirm(request.query.documentId, request.body, request.user);
    const message = result.userModified ? 'Fields confirmed; the document will enter manual review' : 'Fields confirmed';
    return ok({ documentId: result.documentId, ...result.fields, userModified: result.userModified }, message);
  });

  app.post('/document/submit', { schema: { summary: 'Submit the confirmed document for review', querystring: documentIdQuery, response: apiResponses(404, 409) }, config: write }, async (request) => {
    const result = await documents.submit(request.query.documentId, request.user);
    return ok(result, REVIEW_MESSAGES[result.status]);
  });

  app.post('/liveness/start', { schema: { summary: 'Open a five-minute liveness session with three actions', querystring: z.object({ profileId: profileIdSchema }), response: apiResponses(404, 409) }, config: write }, async (request) => {
    const { sessionId, actions, expiresAt, status } = await liveness.start(request.query.profileId, request.user);
    return ok({ sessionId, actions, expiresAt, status }, 'Liveness session created');
  });

  app.post('/liveness/verify', { schema: { summary: "Upload one video per action and get the session's result", consumes: ['multipart/form-data'], response: apiResponses(404, 409, 410, 413, 415, 422) }, config: write }, async (request, reply) => {
    if (!request.isMultipart()) throw new HttpError(415, 'send multipart/form-data with sessionId, profileId, video1, video2 and video3');
    const session = await liveness.verify(request, request.user);
    // RETRY: the quality gate refused the capture; `qualityIssues` say what to fix, no attempt is counted.
    const retry = session.status === 'RETRY';
    const data = { sessionId: session.sessionId, passed: session.status === 'PASSED', confidence: session.confidence, list: session.results, reasons: session.reasons, retry, qualityIssues: session.quality ?? [] };
    if (retry) return reply.status(422).send({ code: ApiCode.LIVENESS_FAILED, message: 'Liveness videos could not be checked: fix what qualityIssues say and start a new session', data });
    if (session.status !== 'PASSED') return reply.status(422).send({ code: ApiCode.LIVENESS_FAILED, message: 'Liveness check failed', data });
    return ok(data, 'Liveness check passed');
  });

  app.get('/liveness/session/:sessionId', { schema: { summary: 'A liveness session', params: z.object({ sessionId: z.string().min(1).max(64) }), response: apiResponses(404, 410) } }, async (request) => {
    // Anti-spoofing scores are for reviewers: an attacker must not tune against them.
    const { presentation, ...session } = await liveness.session(request.params.sessionId, request.user);
    return ok({ session: request.user.role === 'admin' ? { ...session, presentation } : session }, 'query success');
  });
};
