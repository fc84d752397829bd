import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes ops filter on in the Temporal UI. They are stored unencrypted, so they
 * must never carry PII (names, document numbers, birth dates).
 */
export const KycStatusKey = defineSearchAttributeKey('KycStatus', SearchAttributeType.KEYWORD);
export const UserIdKey = defineSearchAttributeKey('UserId', SearchAttributeType.KEYWORD);
export const CountryKey = defineSearchAttributeKey('Country', SearchAttributeType.KEYWORD);
/** Manual review waited past its SLA. */
export const ReviewOverdueKey = defineSearchAttributeKey('ReviewOverdue', SearchAttributeType.BOOL);

/** Registered by the dev stack and the test harness (`temporal server start-dev --search-attribute`). */
export const CUSTOM_SEARCH_ATTRIBUTES = [KycStatusKey, UserIdKey, CountryKey, ReviewOverdueKey];
