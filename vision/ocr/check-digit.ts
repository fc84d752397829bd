/** ICAO 9303 part 3 §4.9 check digits (weights 7-3-1, '<' = 0, A = 10 … Z = 35). */

export function charValue(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'A' && c <= 'Z') return c.charCodeAt(0) - 55;
  return 0; // '<' and anything unexpected
}

const WEIGHTS = [7, 3, 1] as const;

export function checkDigit(data: string): number {
  let sum = 0;
  for (let i = 0; i < data.length; i++) sum += charValue(data[i]!) * WEIGHTS[i % 3]!;
  return sum % 10;
}

/** A printed check digit matches. '<' is allowed only where ICAO allows it (empty personal number). */
export function checkDigitMatches(data: string, printed: string, fillerAllowed = false): boolean {
  if (printed === '<') return fillerAllowed && /^<*$/.test(data);
  return /^[0-9]$/.test(printed) && checkDigit(data) === Number(printed);
}
