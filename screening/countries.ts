import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

/** Some lists name countries the way their publisher does, not as ISO does. */
const ALIASES: Record<string, string> = {
  'russia': 'RU', 'iran': 'IR', 'syria': 'SY', 'north korea': 'KP', 'south korea': 'KR', 'korea, north': 'KP', 'korea, south': 'KR',
  'burma': 'MM', 'venezuela': 'VE', 'bolivia': 'BO', 'tanzania': 'TZ', 'vietnam': 'VN', 'laos': 'LA', 'moldova': 'MD',
  'palestinian': 'PS', 'west bank': 'PS', 'gaza': 'PS', 'kosovo': 'XK', 'congo, democratic republic of the': 'CD',
  'united kingdom': 'GB', 'united states': 'US', 'czech republic': 'CZ', 'turkey': 'TR', 'ivory coast': 'CI',
};
/** ICAO codes that are not ISO alpha-3 (D for Germany, British categories). */
const ICAO: Record<string, string> = { 'D': 'DE', 'D<<': 'DE', 'GBD': 'GB', 'GBN': 'GB', 'GBO': 'GB', 'GBP': 'GB', 'GBS': 'GB', 'RKS': 'XK' };

/** Alpha-2 (upper case) from an alpha-2, alpha-3, ICAO code or English name; null when unknown. */
export function toAlpha2(value: string | null | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  const upper = v.toUpperCase();
  if (ICAO[upper]) return ICAO[upper];
  if (/^[A-Z]{2}$/.test(upper) && countries.isValid(upper)) return upper;
  if (/^[A-Z]{3}$/.test(upper)) return countries.alpha3ToAlpha2(upper) ?? null;
  return ALIASES[v.toLowerCase()] ?? countries.getAlpha2Code(v, 'en') ?? null;
}
