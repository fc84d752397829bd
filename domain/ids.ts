/** Id formats and the deterministic workflow ids derived from them. */

/**
 * A user id (a token's `sub`): letters, digits and `_ . @ | -`. No `:`, which separates the parts of
 * composite keys (`{userId}:{type}`), so two users' keys can never collide.
 */
export const USER_ID_PATTERN = /^[\w.@|-]{1,64}$/;

/** Names the service uses for itself (e.g. files it stores); never a subject, whatever the token says. */
const RESERVED_USER_IDS = new Set(['system', 'admin', 'root', 'anonymous', 'unknown', 'null', 'undefined', 'kycflow']);
export const isReservedUserId = (userId: string): boolean => RESERVED_USER_IDS.has(userId.toLowerCase());
export const PROFILE_ID_PATTERN = /^profile_[0-9a-f]{24}$/;

export const kycProfileWorkflowId = (profileId: string): string => `kyc-profile:${profileId}`;

/** `profile_` + 24 hex characters; the caller supplies the randomness (crypto outside workflows). */
export const formatProfileId = (randomHex: string): string => `profile_${randomHex.slice(0, 24)}`;

/** Seed 000 `latest_kyc.id` is an integer: a 12-digit number derived from the profile id. */
export const kycRecordIdOf = (profileId: string): number =>
  100_000_000_000 + (Number.parseInt(profileId.slice(-24, -12), 16) % 900_000_000_000);

/** Seed 000 `agent_uid`: `u{userId}_{unixSeconds}_{8 chars}`, the 8 chars taken from the profile id. */
export const agentUidOf = (userId: string, createdAtIso: string, profileId: string): string =>
  `u${userId}_${Math.floor(Date.parse(createdAtIso) / 1000)}_${profileId.slice(-8)}`;
