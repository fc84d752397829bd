import FFT from 'fft.js';
import type { FaceBox } from './face-analyzer.js';
import type { RgbImage } from './rgb-image.js';

/** Side of the square patch analysed, in native frame pixels (resampling would hide the pattern). */
const N = 128;
const fft = new FFT(N);
const hann = Float64Array.from({ length: N }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (N - 1)));

/**
 * Power spectra of the patch around the face, summed over a clip's frames. A screen filmed by a
 * camera shows moiré: the two pixel grids beat into periodic stripes, which stand out as sharp
 * peaks in the spectrum of the picture. Natural scenes have smooth, falling spectra; summing
 * several frames averages their noise away while a screen's peaks stay put.
 */
export class SpectrumAccumulator {
  private readonly power = new Float64Array(N * N);
  frames = 0;

  add(frame: RgbImage, face: FaceBox): void {
    if (frame.width < N || frame.height < N) return;
    const cx = Math.round(face.x + face.width / 2);
    const cy = Math.round(face.y + face.height / 2);
    const left = Math.min(frame.width - N, Math.max(0, cx - N / 2));
    const top = Math.min(frame.height - N, Math.max(0, cy - N / 2));
    const grey = new Float64Array(N * N);
    let mean = 0;
    for (let y = 0; y < N; y++) {
      for (let x = 0; x < N; x++) {
        const i = ((top + y) * frame.width + left + x) * 3;
        const g = 0.299 * frame.data[i]! + 0.587 * frame.data[i + 1]! + 0.114 * frame.data[i + 2]!;
        grey[y * N + x] = g;
        mean += g;
      }
    }
    mean /= N * N;
    for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) grey[y * N + x] = (grey[y * N + x]! - mean) * hann[x]! * hann[y]!;
    addPower(grey, this.power);
    this.frames++;
  }

  /**
   * How far the strongest isolated peak of the mid and high frequencies rises above its
   * neighbourhood (natural log of the power ratio). Frequencies a video codec's block grid
   * produces (multiples of N/8 on either axis) and the axes (frame edges) are left out.
   */
  peakProminence(): number {
    if (this.frames === 0) return 0;
    const logPower = this.power.map((p) => Math.log(p + 1e-9));
    let best = 0;
    for (let v = -N / 2 + 4; v < N / 2 - 3; v++) {
      for (let u = 1; u < N / 2 - 3; u++) {
        const r = Math.hypot(u, v);
        if (r < N / 10 || Math.abs(v) <= 1 || u % (N / 8) === 0 || ((v % (N / 8)) + N / 8) % (N / 8) === 0) continue;
        const here = logPower[index(u, v)]!;
        const around = neighbourhoodMedian(logPower, u, v);
        best = Math.max(best, here - around);
      }
    }
    return Math.round(best * 100) / 100;
  }
}

function index(u: number, v: number): number {
  return ((v + N) % N) * N + ((u + N) % N);
}

/** The 9×9 square around a frequency less its centre 3×3: 72 values, sorted in place. */
const ring = new Float64Array(72);

/** Median log power of the 9×9 square around (u, v), its centre 3×3 left out. */
function neighbourhoodMedian(logPower: Float64Array, u: number, v: number): number {
  let n = 0;
  for (let dv = -4; dv <= 4; dv++) {
    for (let du = -4; du <= 4; du++) {
      if (Math.abs(du) <= 1 && Math.abs(dv) <= 1) continue;
      ring[n++] = logPower[index(u + du, v + dv)]!;
    }
  }
  // A typed array sorts numerically in native code, several times faster than number[] with a comparator.
  ring.sort();
  return ring[n >> 1]!;
}

/** 2-D FFT (rows, then columns) of a real N×N patch; adds |F|² into `power`. */
function addPower(patch: Float64Array, power: Float64Array): void {
  const rows: number[][] = [];
  const input = fft.createComplexArray() as number[];
  const row = new Array<number>(N);
  for (let y = 0; y < N; y++) {
    const out = fft.createComplexArray() as number[];
    for (let x = 0; x < N; x++) row[x] = patch[y * N + x]!;
    fft.realTransform(out, row);
    fft.completeSpectrum(out);
    rows.push(out);
  }
  const column = fft.createComplexArray() as number[];
  for (let u = 0; u < N; u++) {
    for (let y = 0; y < N; y++) {
      input[2 * y] = rows[y]![2 * u]!;
      input[2 * y + 1] = rows[y]![2 * u + 1]!;
    }
    fft.transform(column, input);
    for (let v = 0; v < N; v++) power[v * N + u]! += column[2 * v]! ** 2 + column[2 * v + 1]! ** 2;
  }
}
