/**
 * ICAO 9303 part 3 §6 transliteration of Latin letters with diacritics to the MRZ's A–Z, and the
 * names as they may appear in an MRZ. Where ICAO allows two spellings (Ä as AE or A, Ü as UE or U,
 * Ñ as N or NXX) both are given, so a comparison accepts either.
 */
const MULTI: Record<string, string[]> = {
  Ä: ['AE', 'A'], Æ: ['AE'], Å: ['AA', 'A'], Ö: ['OE', 'O'], Ø: ['OE'], Œ: ['OE'], Ü: ['UE', 'U', 'UXX'], ß: ['SS'], Þ: ['TH'],
  Ñ: ['N', 'NXX'], Ĳ: ['IJ'], Ð: ['D'], Đ: ['D'], Ł: ['L'], Ħ: ['H'], Ŋ: ['N'], ẞ: ['SS'],
};

/** Every MRZ spelling of a printed name, upper case, words joined by '<' (spaces, hyphens, apostrophes dropped or filled). */
export function mrzSpellings(text: string): string[] {
  let variants = [''];
  for (const ch of text.toUpperCase().normalize('NFC')) {
    const options = MULTI[ch] ?? [plain(ch)];
    variants = variants.flatMap((v) => options.map((o) => v + o));
    if (variants.length > 16) variants = variants.slice(0, 16);
  }
  return [...new Set(variants.map((v) => v.replace(/[\s\-‐‑–,./]+/g, '<').replace(/['’`]/g, '').replace(/[^A-Z0-9<]/g, '').replace(/^<+|<+$/g, '')))];
}

/** A letter without its diacritics (É → E, Č → C), via Unicode decomposition. */
function plain(ch: string): string {
  return ch.normalize('NFD').replace(/\p{M}/gu, '');
}
