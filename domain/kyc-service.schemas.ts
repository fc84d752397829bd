import { z } from 'zod';

/** Seed 003 request schemas (`/api/web/kycService/*`); the API validates with them and documents them. */
export const submitProfileBody = z.object({
  userId: z.string().trim().min(1).max(64).regex(/^[\w.:@-]+$/, 'letters, digits and _ . : @ - only'),
  country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2 code, upper case (e.g. SG)'),
});
export type SubmitProfileBody = z.infer<typeof submitProfileBody>;
