import { defineQuery } from '@temporalio/workflow';
import type { KycStatusDto } from '../domain/kyc-profile.js';

/** Messages of the `kyc-profile:{profileId}` workflow; the API imports these, never the workflow body. */
export const getStatusQuery = defineQuery<KycStatusDto>('getStatus');
