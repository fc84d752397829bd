// Liveness throughput: three ~5 s videos (one per action, as a session asks) scored with the
// models loaded once, warm: one after another on this thread, and side by side on the worker
// threads the vision worker uses (LIVENESS_THREADS), beside the baseline of decoding the same
// frames alone (ffmpeg, no analysis). `npm run bench:liveness` (run it under `nice`; it prints the machine's load). Uses real clips from ../shared/fixtures when
// present (trimmed or looped to 5 s), else generated 5 s clips of a still face.
import { cpus, loadavg } from 'node:os';
import { DEFAULT_FACE_MODEL, FACE_MODEL_SETTINGS } from '../domain/face-match.js';
import {
  ACTION_PROFILES,
  createFaceAnalyzer,
  createLivenessPool,
  extractFrames,
  loadDescriber,
  samePerson,
  scoreVideos,
  type FaceAnalyzer,
  type LivenessAction,
  type LivenessVideoResult,
} from '../vision/face/index.js';
import { SyntheticVideos } from '../test/support/synthetic-videos.js';
import { fixtureVideo, FIXTURES_MISSING } from '../test/unit/face/face-fixtures.js';

const TARGET_MS = 4000;
const ROUNDS = 3;
const kit = await SyntheticVideos.create();
try {
  const session = await sessionVideos();
  const loadStart = Date.now();
  const analyzer = await createFaceAnalyzer();
  const loadMs = Date.now() - loadStart;
  // As the liveness activity runs: identity frames described by the shipped descriptor.
  const describer = await loadDescriber(DEFAULT_FACE_MODEL);
  const opts = { descriptor: { describer, align: true } };

  await scoreVideos(analyzer, [{ action: 'SMILE', video: await kit.still(1) }], opts); // warm the kernels once
  const calls = countCalls(analyzer);
  // Other work shares this 2-core machine, so take several rounds; CPU time is steadier than wall.
  const rounds: Array<{ wallMs: number; cpuMs: number; results: LivenessVideoResult[]; calls: Map<string, { n: number; ms: number }> }> = [];
  const decodeMs: number[] = [];
  const loadBefore = loadavg()[0]!;
  for (let i = 0; i < ROUNDS; i++) {
    calls.clear();
    const d = Date.now();
    for (const { action, video } of session) await extractFrames(video, { fps: ACTION_PROFILES[action].fps });
    decodeMs.push(Date.now() - d);
    const cpu = process.cpuUsage();
    const started = Date.now();
    const results = await scoreVideos(analyzer, session, opts);
    const used = process.cpuUsage(cpu);
    rounds.push({ wallMs: Date.now() - started, cpuMs: Math.round((used.user + used.system) / 1000), results, calls: new Map(calls) });
  }
  rounds.sort((a, b) => a.wallMs - b.wallMs);
  const { results, wallMs: totalMs, calls: best } = rounds[0]!;

  console.log(`source: ${FIXTURES_MISSING ? 'generated still-face clips (fixtures absent)' : 'real clips from ../shared/fixtures, 5 s each'}`);
  console.log(`model load: ${loadMs} ms (createFaceAnalyzer: WASM backend init + reading the models)`);
  console.log(`best of ${ROUNDS} rounds:`);
  console.log('action       frames  fps  extract ms  analyse ms  ms/frame  embed ms  passed  confidence');
  results.forEach((r, i) => {
    const t = r.timings;
    const action = session[i]!.action;
    console.log(
      `${action.padEnd(11)} ${String(r.frames).padStart(7)} ${String(ACTION_PROFILES[action].fps).padStart(4)} ${String(t.extractMs).padStart(11)} ${String(t.analyseMs).padStart(11)} ${(t.analyseMs / Math.max(1, r.frames)).toFixed(1).padStart(9)} ${String(t.embedMs).padStart(9)}  ${String(r.passed).padEnd(6)}  ${r.confidence}`,
    );
  });
  const frames = results.reduce((s, r) => s + r.frames, 0);
  console.log(`three videos: ${totalMs} ms wall (${(totalMs / 3).toFixed(0)} ms per video, ${(totalMs / frames).toFixed(1)} ms per analysed frame, ${frames} frames); target ≤ ${TARGET_MS} ms: ${totalMs <= TARGET_MS ? 'met' : 'NOT met'}`);
  console.log(`where the analysis goes (best round, wall): ${[...best].map(([k, v]) => `${k} ${v.n}× ${(v.ms / v.n).toFixed(0)} ms`).join('; ')}`);
  console.log(`baseline, decoding the same frames alone (ffmpeg, one clip after another): best ${Math.min(...decodeMs)} ms; scoring adds ${totalMs - Math.min(...decodeMs)} ms`);
  console.log(`all rounds, wall ms: ${rounds.map((r) => r.wallMs).join(', ')}; decoding alone: ${decodeMs.join(', ')}; node CPU ms (excl. ffmpeg): ${rounds.map((r) => r.cpuMs).join(', ')}; load average ${loadBefore.toFixed(1)} → ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores`);
  const same = samePerson(results, FACE_MODEL_SETTINGS[DEFAULT_FACE_MODEL].noMatch, describer.distance);
  console.log(`same person across the three (${describer.modelVersion}): ${same.passed} (max distance ${same.maxDistance.toFixed(3)})`);
  console.log(`peak RSS, this thread's engine: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
  await analyzer.close();
  await onThreads(session, results);
} finally {
  await kit.cleanup();
}

/** The same session on worker threads, each clip on its own (as the liveness activity scores it). */
async function onThreads(session: Array<{ action: LivenessAction; video: string }>, inTurn: LivenessVideoResult[]): Promise<void> {
  for (const threads of [3, 2]) {
    const pool = createLivenessPool(threads);
    const job = ({ action, video }: { action: LivenessAction; video: string }) => ({ action, video, mirrored: false, descriptorModel: DEFAULT_FACE_MODEL, flip: false });
    const loadStart = Date.now();
    await pool.warm();
    const loadMs = Date.now() - loadStart;
    await Promise.all(session.map((s) => pool.score(job(s)))); // warms the kernels once
    const wall: number[] = [];
    let results: LivenessVideoResult[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const started = Date.now();
      results = await Promise.all(session.map((s) => pool.score(job(s))));
      wall.push(Date.now() - started);
    }
    await pool.close();
    const same = results.every((r, i) => r.passed === inTurn[i]!.passed && r.confidence === inTurn[i]!.confidence && r.frames === inTurn[i]!.frames);
    const best = Math.min(...wall);
    console.log(
      `${threads} worker threads, clips side by side: best ${best} ms wall (rounds ${wall.join(', ')}; starting the threads ${loadMs} ms); target ≤ ${TARGET_MS} ms: ${best <= TARGET_MS ? 'met' : 'NOT met'}; same results as in turn: ${same}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
  }
}

/** Counts the analyzer's calls by kind (detector or followed; the optional models) and their wall time. */
function countCalls(analyzer: FaceAnalyzer): Map<string, { n: number; ms: number }> {
  const calls = new Map<string, { n: number; ms: number }>();
  const analyze = analyzer.analyze.bind(analyzer);
  analyzer.analyze = async (image, o = {}) => {
    const kind = [o.track && o.detector === false ? 'followed' : 'detector', o.iris !== false ? '+iris' : '', o.emotion !== false ? '+emotion' : '', o.embed ? '+embed' : ''].join('');
    const t = performance.now();
    const found = await analyze(image, o);
    const c = calls.get(kind) ?? { n: 0, ms: 0 };
    calls.set(kind, { n: c.n + 1, ms: c.ms + performance.now() - t });
    return found;
  };
  return calls;
}

async function sessionVideos(): Promise<Array<{ action: LivenessAction; video: string }>> {
  if (FIXTURES_MISSING) {
    const [a, b, c] = await Promise.all([kit.still(5), kit.pan(5), kit.zoom(5)]);
    return [
      { action: 'BLINK', video: a },
      { action: 'TURN_LEFT', video: b },
      { action: 'SMILE', video: c },
    ];
  }
  // Three different people: the same-person line is expected to say false here.
  const [blink, turn, smile] = await Promise.all([
    kit.loop(fixtureVideo('liveportrait__d0.mp4'), 5), // 3.1 s clip looped to 5 s: one blink, 50 frames
    kit.trim(fixtureVideo('liveportrait__d3.mp4'), 6.3, 11.3),
    kit.trim(fixtureVideo('liveportrait__d12.mp4'), 0, 5),
  ]);
  return [
    { action: 'BLINK', video: blink },
    { action: 'TURN_LEFT', video: turn },
    { action: 'SMILE', video: smile },
  ];
}
