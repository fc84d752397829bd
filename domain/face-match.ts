// Face match vocabulary shared by the workflow (the decision), the activities and the settings.
// Imported by workflow code: no libraries here.

/** Descriptor models `npm run bench:face` compares (vision/face/descriptor-models.ts loads them). */
export const FACE_DESCRIPTOR_MODELS = ['faceres', 'faceres-deep', 'mobilefacenet', 'mobileface', 'faceapi-resnet34'] as const;
export type FaceDescriptorModel = (typeof FACE_DESCRIPTOR_MODELS)[number];

/**
 * As hosted vendors answer: `match` goes on to approval, `review` to a reviewer with the score
 * shown, `no_match` to a reviewer with a strong flag. The face alone never rejects.
 */
export type FaceMatchBand = 'match' | 'review' | 'no_match';

/** Cosine-distance bounds: ≤ `match` is a match, > `noMatch` no match, between them review. */
export interface FaceMatchBands {
  match: number;
  noMatch: number;
}

export function bandOf(distance: number, bands: FaceMatchBands): FaceMatchBand {
  if (distance <= bands.match) return 'match';
  return distance > bands.noMatch ? 'no_match' : 'review';
}

/** Bands and the copy bound per model, from the ROC of `npm run bench:face` (README "Face match"). */
export const FACE_MODEL_SETTINGS: Record<FaceDescriptorModel, FaceMatchBands & { copy: number }> = {
  faceres: { match: 0.4, noMatch: 0.5, copy: 0.05 },
  'faceres-deep': { match: 0.4, noMatch: 0.5, copy: 0.05 },
  mobilefacenet: { match: 0.4, noMatch: 0.5, copy: 0.05 },
  mobileface: { match: 0.4, noMatch: 0.5, copy: 0.05 },
  'faceapi-resnet34': { match: 0.05, noMatch: 0.08, copy: 0.005 },
};

export const DEFAULT_FACE_MODEL: FaceDescriptorModel = 'faceres';
