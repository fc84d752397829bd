// The generated robustness set of face match: a face photo made worse the way real captures are
// (blur, heavy JPEG, low light with sensor noise, a tilted camera, a small face, greyscale, and
// the portrait as a document prints it: grey, low contrast, soft, small). Deterministic: the
// same photo always gives the same variants.
import sharp, { type OutputInfo, type Sharp } from 'sharp';

export const FACE_VARIANTS = ['blur', 'jpeg', 'low-light', 'tilt-left', 'tilt-right', 'small-80px', 'greyscale', 'document-print'] as const;
export type FaceVariant = (typeof FACE_VARIANTS)[number];

/**
 * `photo` made worse by `variant`. `faceShare`: the face's side over the photo's longest side
 * (scale-free, so a box found on a downscaled decode serves).
 */
export async function faceVariant(photo: Uint8Array, faceShare: number, variant: FaceVariant): Promise<Buffer> {
  const base = sharp(photo).rotate().removeAlpha();
  const size = await dims(photo);
  const faceSide = faceShare * Math.max(size.width, size.height);
  switch (variant) {
    case 'blur':
      return base.blur(Math.max(0.6, faceSide / 80)).jpeg({ quality: 90 }).toBuffer(); // a face edge smeared over ~4 % of its width
    case 'jpeg':
      return base.jpeg({ quality: 12 }).toBuffer();
    case 'low-light':
      return withNoise(await base.linear(0.3, 0).gamma(2.2, 1.4).raw().toBuffer({ resolveWithObject: true }), 6);
    case 'tilt-left':
      return base.rotate(-12, { background: '#808080' }).jpeg({ quality: 90 }).toBuffer();
    case 'tilt-right':
      return base.rotate(12, { background: '#808080' }).jpeg({ quality: 90 }).toBuffer();
    case 'small-80px':
      return scaledSoFaceIs(base, size, faceSide, 80).jpeg({ quality: 85 }).toBuffer();
    case 'greyscale':
      return base.greyscale().jpeg({ quality: 90 }).toBuffer();
    case 'document-print':
      // Printed portraits: grey, washed out (ink on a light background), soft, about 100 px.
      return scaledSoFaceIs(base.greyscale().linear(0.55, 80).blur(0.8), size, faceSide, 100).jpeg({ quality: 60 }).toBuffer();
  }
}

async function dims(photo: Uint8Array): Promise<{ width: number; height: number }> {
  const { width = 0, height = 0, orientation = 1 } = await sharp(photo).metadata();
  return orientation >= 5 ? { width: height, height: width } : { width, height };
}

function scaledSoFaceIs(img: Sharp, size: { width: number; height: number }, faceSide: number, target: number): Sharp {
  const factor = Math.min(1, target / faceSide);
  return img.resize({ width: Math.max(16, Math.round(size.width * factor)) });
}

/** Adds zero-mean noise (σ in grey levels) from a fixed-seed generator, then encodes a JPEG. */
async function withNoise({ data, info }: { data: Buffer; info: OutputInfo }, sigma: number): Promise<Buffer> {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const out = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) {
    const gauss = Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
    out[i] = Math.max(0, Math.min(255, Math.round(data[i]! + gauss * sigma)));
  }
  return sharp(out, { raw: { width: info.width, height: info.height, channels: info.channels } }).jpeg({ quality: 90 }).toBuffer();
}
