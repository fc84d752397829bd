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

/**
 * Distance bounds in the model's own metric (cosine, or Euclidean for dlib's ResNet): ≤ `match`
 * is a match, > `noMatch` no match, between them review.
 */
export interface FaceMatchBands {
  match: number;
  noMatch: number;
}

export function bandOf(distance: number, bands: FaceMatchBands): FaceMatchBand {
  if (distance <= bands.match) return 'match';
  return distance > bands.noMatch ? 'no_match' : 'review';
}

/**
 * Bands and the copy bound per model, read off the ROC of `npm run bench:face` on the fixture
 * photo pairs (101 same / 1439 different). faceapi-resnet34 (the default): `match` just under the
 * false-accept rate of 0.1 % (dlib's own published bound is 0.6), `noMatch` at 5 % (every
 * same-person pair of the set lies below it). faceres: `match` at 0.5 % (at 0.1 % a quarter of
 * genuine users would wait for a reviewer), `noMatch` at 5 %. `copy` sits under the distances of
 * any two different captures of a person (README "Face match").
 */
export const FACE_MODEL_SETTINGS: Record<FaceDescriptorModel, FaceMatchBands & { copy: number }> = {
  faceres: { match: 0.398, noMatch: 0.47, copy: 0.03 },
  'faceres-deep': { match: 0.26, noMatch: 0.38, copy: 0.05 },
  /** Its converted graph gives nearly the same vector for every face here: not usable. */
  mobilefacenet: { match: 0.01, noMatch: 0.02, copy: 0 },
  mobileface: { match: 0.58, noMatch: 0.76, copy: 0.1 },
  /** Euclidean distances (dlib's protocol), not cosine. */
  'faceapi-resnet34': { match: 0.59, noMatch: 0.71, copy: 0.03 },
};

/** Chosen by bench:face: the best separation at low false-accept rates and on the robustness set. */
export const DEFAULT_FACE_MODEL: FaceDescriptorModel = 'faceapi-resnet34';
