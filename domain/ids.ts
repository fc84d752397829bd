/** Id formats and the deterministic workflow ids derived from them. */
export const PROFILE_ID_PATTERN = /^profile_[0-9a-f]{24}$/;

export const kycProfileWorkflowId = (profileId: string): string => `kyc-profile:${profileId}`;

/** `profile_` + 24 hex characters; the caller supplies the randomness (crypto outside workflows). */
export const formatProfileId = (randomHex: string): string => `profile_${randomHex.slice(0, 24)}`;
