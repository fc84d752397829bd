import countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json' with { type: 'json' };

countries.registerLocale(en);

/** OFAC writes countries by English name; generated files do the same. */
export const countryName = (alpha2: string): string => countries.getName(alpha2, 'en') ?? alpha2;
