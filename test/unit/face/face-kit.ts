import { after, before } from 'node:test';
import { createFaceAnalyzer, type FaceAnalyzer } from '../../../vision/face/index.js';
import { SyntheticVideos } from '../../support/synthetic-videos.js';

/** One analyzer and one generated-video kit per test file, created before and released after it. */
export function useFaceKit(): { readonly analyzer: FaceAnalyzer; readonly kit: SyntheticVideos } {
  const held = {} as { analyzer: FaceAnalyzer; kit: SyntheticVideos };
  before(async () => {
    [held.analyzer, held.kit] = await Promise.all([createFaceAnalyzer(), SyntheticVideos.create()]);
  });
  after(async () => {
    await held.kit?.cleanup();
    await held.analyzer?.close();
  });
  return held;
}
