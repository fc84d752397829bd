import { chipPointsFromMesh, fivePointsFromMesh, type FivePoints, type Point2 } from './face-align.js';
import { expressionMeasures, type ExpressionMeasures } from './face-geometry.js';
import {
  humanModelDir,
  loadHumanModule,
  loadTf,
  registerFileModelLoader,
  wasmBinaryDir,
  type HumanFace,
  type HumanInstance,
  type Tf,
} from './human-loader.js';
import type { RgbImage } from './rgb-image.js';

export interface FaceBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceObservation extends ExpressionMeasures {
  /** Pixels of the analysed image. */
  box: FaceBox;
  /** Detection × mesh confidence, 0..1. */
  score: number;
  /** Radians as @vladmandic/human reports them; see liveness-actions.ts for the sign of yaw. */
  yaw: number;
  pitch: number;
  roll: number;
  /** Score of the "happy" expression, 0..1. */
  smile: number;
  /** Eye centres, nose tip and mouth corners (image pixels), for aligning the face before describing it. */
  landmarks: FivePoints;
  /** The mesh points dlib-style descriptors align on (face-align.ts DLIB_CHIP), image pixels. */
  chipPoints: Point2[];
  /** Unit-length face descriptor (1024 floats), only when asked for. */
  embedding?: Float32Array;
}

/** Optional models, switched per call because each costs time per frame. */
export interface AnalyzeOptions {
  /** Face descriptor (`embedding`); roughly doubles the time per image. Default false. */
  embed?: boolean;
  /** Iris model: refines the eyelid landmarks, needed for a clean blink signal. Default true. */
  iris?: boolean;
  /** Expression model (`smile`); without it `smile` is 0. Default true. */
  emotion?: boolean;
  /**
   * Consecutive frames of one video: pass the same token (any object) with every frame, in
   * order. When the previous call on this engine carried the same token and `detector` is
   * false, the faces are followed from that frame's mesh instead of running the detector
   * (~30 of ~40 ms per frame). A followed frame that loses a face is re-run with the detector,
   * so a missing face is always confirmed; a face that newly enters is only seen on the next
   * frame run with the detector, so callers must still detect regularly.
   */
  track?: object;
  /** With `track`: run the face detector on this frame (default true). */
  detector?: boolean;
}

export interface FaceAnalyzer {
  /** Faces found in one image, largest first. */
  analyze(image: RgbImage, opts?: AnalyzeOptions): Promise<FaceObservation[]>;
  /** Milliseconds it took to load the models (0 when they were already loaded in this process). */
  readonly loadMs: number;
  /** Stops this handle; models stay cached for the process (human keeps them in module scope). */
  close(): Promise<void>;
}

interface Engine {
  human: HumanInstance;
  tf: Tf;
  /** Serialises inference: human keeps per-call state and is not re-entrant. */
  queue: Promise<unknown>;
  /**
   * `track` token and faces of the previous call (human's box cache belongs to that frame), and
   * how many more frames of that track go to the detector because following just failed.
   */
  last: { track?: object; boxes: FaceBox[]; holdoff: number };
}

let engine: Promise<Engine> | undefined;

/**
 * Returns an analyzer backed by the process-wide engine (tfjs WASM backend + human models
 * shipped inside the npm package; nothing is downloaded). Create it once per worker.
 */
export async function createFaceAnalyzer(): Promise<FaceAnalyzer> {
  const started = Date.now();
  const fresh = !engine;
  engine ??= startEngine();
  let eng: Engine;
  try {
    eng = await engine;
  } catch (err) {
    engine = undefined;
    throw err;
  }
  return new AnalyzerHandle(eng, fresh ? Date.now() - started : 0);
}

async function startEngine(): Promise<Engine> {
  const tf = loadTf();
  registerFileModelLoader(tf);
  const { Human } = loadHumanModule();
  const human = new Human(humanConfig());
  await human.load();
  await human.warmup();
  return { human, tf, queue: Promise.resolve(), last: { boxes: [], holdoff: 0 } };
}

function humanConfig(): Record<string, unknown> {
  const noCache = { skipFrames: 0, skipTime: 0 };
  return {
    backend: 'wasm',
    wasmPath: wasmBinaryDir(),
    modelBasePath: `file://${humanModelDir()}/`,
    debug: false,
    // Every frame is analysed on its own, except the face boxes when a call asks to track
    // (see detect): no result caching between calls.
    cacheSensitivity: 0,
    warmup: 'none',
    filter: { enabled: false },
    face: {
      enabled: true,
      detector: { ...noCache, rotation: false /* roll correction costs ~30 ms a frame; selfies are upright */, maxDetected: 5, minConfidence: 0.3, return: false },
      mesh: { enabled: true },
      iris: { enabled: true, ...noCache },
      emotion: { enabled: true, ...noCache },
      description: { enabled: false, ...noCache },
      antispoof: { enabled: false },
      liveness: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
  };
}

class AnalyzerHandle implements FaceAnalyzer {
  private closed = false;
  constructor(
    private readonly eng: Engine,
    readonly loadMs: number,
  ) {}

  analyze(image: RgbImage, opts: AnalyzeOptions = {}): Promise<FaceObservation[]> {
    if (this.closed) return Promise.reject(new Error('FaceAnalyzer is closed'));
    // Each call ends with a macrotask turn: inference is synchronous WASM chained by microtasks,
    // which would otherwise starve I/O (ffmpeg pipes, Temporal heartbeats) for a whole video.
    const run = this.eng.queue.then(() => detect(this.eng, image, opts)).then(yieldToEventLoop);
    this.eng.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.eng.queue;
  }
}

function yieldToEventLoop<T>(value: T): Promise<T> {
  return new Promise((resolve) => setImmediate(() => resolve(value)));
}

/** Large enough that human's frame-difference check always allows reusing the face boxes. */
const ALWAYS = 1e12;

/**
 * A followed face whose box moved more than this share of its width since the previous frame
 * is re-detected: the mesh then ran on a crop that lagged behind the face, which skews the
 * measures (on a fast-moving clip, mouth openness by up to 0.35 and yaw by 0.2).
 */
const MAX_FOLLOW_SHIFT = 0.05;
/** After a failed follow (the face is moving), this many frames skip straight to the detector. */
const FOLLOW_HOLDOFF = 3;

async function detect(eng: Engine, image: RgbImage, opts: AnalyzeOptions): Promise<FaceObservation[]> {
  const previous = eng.last.boxes;
  const sameTrack = opts.track !== undefined && eng.last.track === opts.track;
  let holdoff = sameTrack ? eng.last.holdoff : 0;
  const wanted = sameTrack && opts.detector === false && previous.length > 0;
  const follow = wanted && holdoff === 0;
  if (wanted && !follow) holdoff--;
  let faces = await runHuman(eng, image, opts, follow);
  // A lost face may have moved faster than the box; a moved one was measured off-centre.
  if (follow && (faces.length < previous.length || faces.some((f) => moved(f.box, previous) > MAX_FOLLOW_SHIFT))) {
    faces = await runHuman(eng, image, opts, false);
    holdoff = FOLLOW_HOLDOFF;
  }
  eng.last = { ...(opts.track ? { track: opts.track } : {}), boxes: faces.map((f) => f.box), holdoff };
  return faces;
}

/** Shift of the box's centre from the nearest previous box, relative to the box's width. */
function moved(box: FaceBox, previous: FaceBox[]): number {
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const shift = Math.min(...previous.map((p) => Math.hypot(p.x + p.width / 2 - cx, p.y + p.height / 2 - cy)));
  return shift / Math.max(1, box.width);
}

async function runHuman(eng: Engine, image: RgbImage, opts: AnalyzeOptions, follow: boolean): Promise<FaceObservation[]> {
  const { tf } = eng;
  const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  // human merges each call's config into its own, so every call sets all of these. Following:
  // human's frame check passes (any sensitivity) and the detector's cache never expires, so the
  // mesh runs on the boxes derived from the previous frame's mesh.
  const face = {
    detector: follow ? { skipFrames: ALWAYS, skipTime: ALWAYS } : { skipFrames: 0, skipTime: 0 },
    description: { enabled: opts.embed ?? false },
    iris: { enabled: opts.iris ?? true },
    emotion: { enabled: opts.emotion ?? true },
  };
  try {
    const result = await eng.human.detect(input, { cacheSensitivity: follow ? ALWAYS : 0, face });
    return result.face
      .map(toObservation)
      .filter((f): f is FaceObservation => f !== undefined)
      .sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height);
  } finally {
    tf.dispose(input);
  }
}

function toObservation(face: HumanFace): FaceObservation | undefined {
  const measures = expressionMeasures(face.mesh);
  const landmarks = fivePointsFromMesh(face.mesh);
  const chipPoints = chipPointsFromMesh(face.mesh);
  if (!measures || !landmarks || !chipPoints) return undefined;
  const angle = face.rotation?.angle ?? { yaw: 0, pitch: 0, roll: 0 };
  const [x, y, width, height] = face.box;
  return {
    box: { x, y, width, height },
    score: face.score,
    yaw: angle.yaw,
    pitch: angle.pitch,
    roll: angle.roll,
    smile: face.emotion?.find((e) => e.emotion === 'happy')?.score ?? 0,
    ...measures,
    landmarks,
    chipPoints,
    ...(face.embedding && face.embedding.length > 0 ? { embedding: normalise(face.embedding) } : {}),
  };
}

function normalise(v: number[]): Float32Array {
  const out = Float32Array.from(v);
  const norm = Math.hypot(...out);
  if (norm > 0) for (let i = 0; i < out.length; i++) out[i] = (out[i] ?? 0) / norm;
  return out;
}
