import { z } from 'zod';
import { plainText } from './text-fields.js';
import { KYC_STAGES } from './kyc-stage.js';
import { REJECT_REASON_CODES, RETRY_STEPS, REVIEW_REASON_GROUPS, type RejectReasonCode } from './review.js';

/**
 * Request shapes of the review routes (JSON API and back-office forms alike). Text people read
 * later follows `plainText` (no control, bidi or invisible characters, no markup); a form's line
 * breaks become spaces, and a blank optional field is no value.
 */
const oneLine = (v: unknown) => (typeof v === 'string' ? v.replace(/\r?\n/g, ' ') : v);
const optionalText = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : oneLine(v)), plainText(max).nullish()).transform((v) => v ?? null);
const comment = optionalText(1_000);
const userMessage = z.preprocess(oneLine, plainText(300).refine((v) => v.length >= 5, 'write at least a short sentence for the user'));

export const reviewDecisionBody = z.discriminatedUnion('action', [
  z.object({ action: z.literal('APPROVE'), comment }),
  z.object({
    action: z.literal('REJECT'),
    reasonCode: z.enum(REJECT_REASON_CODES as [RejectReasonCode, ...RejectReasonCode[]]),
    comment,
    /** What the user is told; the reason's standard message when absent. */
    userMessage: optionalText(300),
  }),
  z.object({ action: z.literal('RETRY'), step: z.enum(RETRY_STEPS), userMessage, comment }),
  z.object({ action: z.literal('RESET'), comment }),
]);
export type ReviewDecisionBody = z.infer<typeof reviewDecisionBody>;

/** Notes keep their line breaks; nothing else hidden, no markup. */
export const reviewNoteBody = z.object({
  text: z.string().transform((v) => v.replace(/\r\n/g, '\n').normalize('NFC').trim()).pipe(z.string().min(1, 'write the note').max(2_000)
    .refine((v) => !/[^\P{C}\n]/u.test(v), 'must not contain control, bidirectional or invisible characters')
    .refine((v) => !/[<>]/.test(v), 'must not contain < or >')),
});

/** An empty form field (a filter left at "All") means the filter is not set. */
const blankless = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

export const queueQuery = z.object({
  stage: z.enum(KYC_STAGES).default('MANUAL_REVIEW'),
  overdue: blankless(z.enum(['true', 'false']).transform((v) => v === 'true')),
  country: blankless(z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code')),
  reason: blankless(z.enum(REVIEW_REASON_GROUPS)),
  /** A profile id or user id. */
  q: blankless(z.string().trim().max(64).regex(/^[\w-]+$/, 'a profile id or user id')),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
export type QueueQueryInput = z.infer<typeof queueQuery>;
