import { z } from 'zod';

/**
 * Text that people type and other people read (names on documents, addresses, remarks). Stored
 * text is shown to reviewers and users, so it must not carry what can hide or fake content:
 * control characters (NUL, BEL…), bidirectional overrides (U+202E), zero-width and other format
 * characters, private-use code points, or markup. Text is NFC-normalised and its spaces collapsed.
 */

/** Control, format (bidi overrides, zero-width), surrogates, private use, unassigned. */
const HIDDEN = /\p{C}/u;
const MARKUP = /[<>]/;

const normalised = (max: number) =>
  z.string()
    .transform((text) => text.normalize('NFC').trim().replace(/[ \t]+/g, ' '))
    .pipe(z.string().min(1, 'must not be empty').max(max, `at most ${max} characters`)
      .refine((text) => !HIDDEN.test(text), 'must not contain control, bidirectional or invisible characters')
      .refine((text) => !MARKUP.test(text), 'must not contain < or >'));

/** Free text: an address line, a city, a remark. */
export const plainText = (max: number) => normalised(max);

/**
 * The scripts names may be written in. A name uses one of them (Japanese mixes its three), so a
 * look-alike letter from another script (Cyrillic "А" in a Latin name) is refused.
 */
const SCRIPTS = ['Latin', 'Greek', 'Cyrillic', 'Arabic', 'Hebrew', 'Thai', 'Devanagari', 'Hangul', 'Han|Hiragana|Katakana'] as const;
const scriptPatterns = SCRIPTS.map((names) => new RegExp(`^(?:${names.split('|').map((n) => `\\p{Script=${n}}`).join('|')}|\\p{M})+$`, 'u'));

/** Letters (with their accents) in words joined by single spaces, hyphens or apostrophes. */
const NAME_SHAPE = /^[\p{L}\p{M}]+(?:[ '’-][\p{L}\p{M}]+)*$/u;

const inOneScript = (name: string): boolean => {
  const letters = name.replace(/[ '’-]/g, '');
  return scriptPatterns.some((pattern) => pattern.test(letters));
};

/** A name as a document prints it: a person's name, an issuing authority. */
export const documentName = (max: number) =>
  normalised(max)
    .refine((name) => NAME_SHAPE.test(name), 'letters, spaces, hyphens and apostrophes only')
    .refine((name) => inOneScript(name), 'letters of one script (Latin, Greek, Cyrillic, Arabic, Hebrew, Thai, Devanagari, Hangul or CJK)');
