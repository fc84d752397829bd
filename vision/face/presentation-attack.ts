import type { PresentationSignals } from './liveness-video.js';
import { median } from './series.js';

/** When a session's signals count as a suspected presentation attack (values from bench:liveness). */
export interface PresentationLimits {
  /** Moiré peak prominence (ln power ratio) at or above which a screen is suspected. */
  maxMoire: number;
  /** `antispoof` model median below which the face is suspected not live; 0 disables. */
  minAntispoof: number;
}

export const DEFAULT_PRESENTATION_LIMITS: PresentationLimits = { maxMoire: 3.7, minAntispoof: 0 };

export interface PresentationVerdict {
  suspected: boolean;
  reasons: string[];
  /** Medians over the session's videos, for reviewers. */
  signals: { moire: number; antispoof: number | null; liveness: number | null };
}

/**
 * Reasons carry no scores or limits (the user may see the profile's review reasons: an attacker
 * must not tune against them); the scores are in `signals`, for reviewers. A session is suspected when the median over its videos crosses a limit: an attacker replays
 * every video the same way, while one noisy live video alone raises no alarm.
 */
export function judgePresentation(videos: readonly PresentationSignals[], limits: PresentationLimits = DEFAULT_PRESENTATION_LIMITS): PresentationVerdict {
  const of = (pick: (v: PresentationSignals) => number | null): number | null => {
    const values = videos.map(pick).filter((x): x is number => x !== null);
    return values.length ? round(median(values)) : null;
  };
  const signals = { moire: of((v) => v.moire) ?? 0, antispoof: of((v) => v.antispoof), liveness: of((v) => v.liveness) };
  const reasons: string[] = [];
  if (signals.moire >= limits.maxMoire) {
    // Most videos without a face: the pattern was found where the face should have been.
    const faceless = videos.filter((v) => v.faceless).length * 2 > videos.length;
    reasons.push(
      faceless
        ? 'screen or print suspected: no face was found, and the middle of the picture shows a moiré pattern (the periodic stripes of a filmed display or printed screen)'
        : 'screen replay suspected: a moiré pattern (the periodic stripes of a filmed display) around the face',
    );
  }
  if (limits.minAntispoof > 0 && signals.antispoof !== null && signals.antispoof < limits.minAntispoof) {
    reasons.push('the anti-spoofing model did not see a live face');
  }
  return { suspected: reasons.length > 0, reasons, signals };
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
