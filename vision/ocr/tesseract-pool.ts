/**
 * A warm pool of tesseract.js workers behind one scheduler. Traineddata: tessdata_fast's English
 * model, committed beside this file (no download at run time; provenance in tessdata/NOTICE.md):
 * it reads the visual zone as well as tessdata_best's integer model, a real page in about two
 * thirds of the time. Per-job Tesseract parameters (whitelist, page segmentation) are passed with
 * each recognize job: tesseract.js sets them for that job only and restores them afterwards, so
 * MRZ and full-page jobs can share workers.
 */
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import Tesseract from 'tesseract.js';

const { createScheduler, createWorker, OEM } = Tesseract;

export const MRZ_WHITELIST = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export interface Box { x0: number; y0: number; x1: number; y1: number }
export interface OcrSymbol { text: string; confidence: number; bbox: Box }
export interface OcrLine { text: string; confidence: number; bbox: Box; baseline: Box; symbols: OcrSymbol[] }
export interface OcrResult { text: string; confidence: number; lines: OcrLine[] }
export interface OcrJob { psm: '3' | '4' | '6' | '7' | '11'; whitelist?: string }

export interface TesseractPool {
  recognize(png: Buffer, job: OcrJob): Promise<OcrResult>;
  terminate(): Promise<void>;
}

const LANG_PATH = fileURLToPath(new URL('./tessdata', import.meta.url));

export async function createTesseractPool(workers?: number): Promise<TesseractPool> {
  const size = Math.max(1, workers ?? os.availableParallelism());
  const scheduler = createScheduler();
  const ws = await Promise.all(
    Array.from({ length: size }, () => createWorker('eng', OEM.LSTM_ONLY, { langPath: LANG_PATH, cacheMethod: 'none' })),
  );
  for (const w of ws) scheduler.addWorker(w);
  return {
    async recognize(png, job) {
      // No second, inverted read of lines read poorly (white on dark): the fields checked are printed
      // dark on light, and on a guilloché background that retry only re-reads noise (~18 % of the time).
      // Tesseract's own diagnostics ("Estimating resolution as …", one a job) go to /dev/null in
      // its in-memory file system instead of the vision worker's log; they never change a read.
      const params: Record<string, string> = { tessedit_pageseg_mode: job.psm, tessedit_do_invert: '0', debug_file: '/dev/null' };
      if (job.whitelist) params.tessedit_char_whitelist = job.whitelist;
      // Tesseract parameters ride along in the recognize options (typed as RecognizeOptions only).
      const r = await scheduler.addJob('recognize', png, params as object, { blocks: true, text: true });
      const lines = (r.data.blocks ?? []).flatMap((b) => b.paragraphs.flatMap((p) => p.lines));
      return {
        text: r.data.text,
        confidence: r.data.confidence,
        lines: lines.map((l) => ({
          text: l.text, confidence: l.confidence, bbox: l.bbox, baseline: l.baseline,
          symbols: l.words.flatMap((w) => w.symbols.map((sy) => ({ text: sy.text, confidence: sy.confidence, bbox: sy.bbox }))),
        })),
      };
    },
    async terminate() {
      await Promise.all(ws.map((w) => w.terminate()));
    },
  };
}
