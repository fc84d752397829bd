import { z } from 'zod';
import { isReservedUserId, PROFILE_ID_PATTERN, USER_ID_PATTERN } from './ids.js';
import { DOC_TYPES } from './kyc-document.js';
import { documentName, plainText } from './text-fields.js';

/** Seed 003 request schemas (`/api/web/kycService/*`); the API validates with them and documents them. */
const country = z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, upper case (e.g. SG)');

export const submitProfileBody = z.object({
  userId: z.string().trim().regex(USER_ID_PATTERN, '1 to 64 letters, digits and _ . @ | - only').refine((id) => !isReservedUserId(id), 'a reserved name'),
  country,
});
export type SubmitProfileBody = z.infer<typeof submitProfileBody>;

export const profileIdSchema = z.string().regex(PROFILE_ID_PATTERN, 'must look like profile_ followed by 24 hex characters');
const isoDate = z.iso.date('must be a date as YYYY-MM-DD');
/** Today (UTC) and a day `years` back, as ISO dates (which compare as strings). */
const today = (): string => new Date().toISOString().slice(0, 10);
const yearsAgo = (years: number): string => `${new Date().getUTCFullYear() - years}${today().slice(4)}`;
const birthDate = isoDate
  .refine((date) => date <= today(), 'must not be in the future')
  .refine((date) => date >= yearsAgo(130), 'must be within the last 130 years');
const unexpiredDate = isoDate.refine((date) => date >= today(), 'the document has expired');
const docType = z.enum(DOC_TYPES);
const imageUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL; send image bytes to /document/upload instead' })
  .max(2048);

/** The text fields of the multipart `/document/upload`. */
export const uploadDocumentFields = z.object({ profileId: profileIdSchema, docType, country });

/** Seed 003 `/document`: metadata with image references, no OCR. */
export const documentMetadataBody = z.object({
  profileId: profileIdSchema,
  docType,
  docNumber: z.string().regex(/^[A-Z0-9<-]{1,20}$/i, 'letters, digits, < and - only, at most 20').optional(),
  frontImageUrl: imageUrl,
  backImageUrl: imageUrl.optional(),
  expiryDate: unexpiredDate.optional(),
  issueCountry: z.string().regex(/^[A-Z]{1,3}$/, 'ISO 3166 alpha-2 or alpha-3 code, upper case').optional(),
});

export const documentIdQuery = z.object({
  documentId: z.coerce.number().int('must be a whole number').positive().max(Number.MAX_SAFE_INTEGER),
});

/** Seed 003 `/document/confirm` body: the fields as the user confirms or corrects them. */
export const confirmDocumentBody = z
  .object({
    name: documentName(120).optional(),
    idNumber: z.string().trim().regex(/^[A-Z0-9<-]{1,20}$/i, 'letters, digits, < and - only, at most 20').optional(),
    birthDate: birthDate.optional(),
    expiryDate: unexpiredDate.optional(),
    issuer: documentName(64).optional(),
    nationality: z.string().regex(/^[A-Z]{2,3}$/, 'ISO 3166 alpha-2 or alpha-3 code, upper case').optional(),
    userModified: z.boolean().optional(),
  })
  .default({});

/**
 * Seed 001 `handlers.ApplyCardSwaggerRequest`. A physical card needs every shipping field; the
 * name is embossed, so upper-case Latin letters and spaces only, 2 to 26 characters.
 */
export const applyCardBody = z
  .object({
    physical: z.boolean().default(false),
    name_on_card: z.string().regex(/^[A-Z][A-Z ]{0,24}[A-Z]$/, 'upper-case Latin letters and spaces, 2 to 26 characters').optional(),
    recipient: plainText(100).optional(),
    area_code: z.string().regex(/^\+\d{1,4}$/, 'like +86').optional(),
    phone: z.string().regex(/^\d{4,15}$/, '4 to 15 digits').optional(),
    postal_address: plainText(200).refine((text) => text.length >= 3, 'at least 3 characters').optional(),
    postal_city: plainText(100).optional(),
    postal_code: z.string().trim().regex(/^[A-Za-z0-9 -]{2,12}$/, '2 to 12 letters, digits, spaces or dashes').optional(),
    postal_country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code').optional(),
  })
  .superRefine((body, ctx) => {
    if (!body.physical) return;
    for (const field of ['name_on_card', 'recipient', 'area_code', 'phone', 'postal_address', 'postal_city', 'postal_code', 'postal_country'] as const) {
      if (body[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'required for a physical card' });
    }
  });
export type ApplyCardBody = z.infer<typeof applyCardBody>;
