import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { diditStatus, kycEligibility } from '../../domain/app-kyc.js';
import { latestProfileOfUser } from '../../stores/kyc-profiles.store.js';
import { kycPaymentView } from '../../stores/payments.store.js';
import { notFound } from '../http-error.js';
import { appResponses, diditStatusResponse, eligibilityResponse } from '../openapi.js';

/** Seed 000: `GET /kyc/eligibility` and `GET /didit/status` for the signed-in user. */
export const appKycRoutes: FastifyPluginAsync<{ db: Db; feeWaived: boolean }> = async (app, { db, feeWaived }) => {
  app.get('/kyc/eligibility', { schema: { response: appResponses(eligibilityResponse) } }, async (request) => kycEligibility(await kycPaymentView(db, request.user.sub), feeWaived));

  app.get('/didit/status', { schema: { response: appResponses(diditStatusResponse, 404) } }, async (request) => {
    const [payment, profile] = await Promise.all([kycPaymentView(db, request.user.sub), latestProfileOfUser(db, request.user.sub)]);
    if (!payment && !profile && !feeWaived) throw notFound('user');
    const latest = profile && {
      recordId: profile.recordId,
      agentUid: profile.agentUid,
      stage: profile.stage,
      failReason: profile.failReason,
      createdAt: profile.createdAt.toISOString(),
      updatedAt: profile.updatedAt.toISOString(),
    };
    return diditStatus(latest, kycEligibility(payment, feeWaived));
  });
};
