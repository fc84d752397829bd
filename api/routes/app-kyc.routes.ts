import type { FastifyPluginAsync } from 'fastify';
import type { Db } from 'mongodb';
import { diditStatus, kycEligibility } from '../../domain/app-kyc.js';
import { findKycUser, kycPaymentViewOf, latestKycRecordOf } from '../../stores/kyc-users.store.js';
import { notFound } from '../http-error.js';
import { appResponses, diditStatusResponse, eligibilityResponse } from '../openapi.js';

/** Seed 000: `GET /kyc/eligibility` and `GET /didit/status` for the signed-in user. */
export const appKycRoutes: FastifyPluginAsync<{ db: Db; feeWaived: boolean }> = async (app, { db, feeWaived }) => {
  // Both answer from the user's summary document: one read by key, however much data is stored.
  app.get('/kyc/eligibility', { schema: { summary: 'Whether the signed-in user may submit KYC (fee paid?)', response: appResponses(eligibilityResponse) } }, async (request) =>
    kycEligibility(kycPaymentViewOf(await findKycUser(db, request.user.sub)), feeWaived));

  app.get('/didit/status', { schema: { summary: "The signed-in user's latest KYC in the app's vocabulary", response: appResponses(diditStatusResponse, 404) } }, async (request) => {
    const user = await findKycUser(db, request.user.sub);
    const payment = kycPaymentViewOf(user);
    const latest = latestKycRecordOf(user);
    if (!payment && !latest && !feeWaived) throw notFound('user');
    return diditStatus(latest, kycEligibility(payment, feeWaived));
  });
};
