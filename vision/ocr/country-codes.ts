/**
 * The codes an MRZ's issuing state and nationality fields may hold (ICAO 9303 part 3): ISO 3166-1
 * alpha-3 plus ICAO's own (D for Germany, British categories, UN and other organisations,
 * stateless and refugee codes, the UTO specimen state). A three-letter read outside this list
 * that is one common misread away from exactly one listed code is that code (NLO → NLD).
 */
const ISO_3166_ALPHA3 = `
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR
BHR BHS BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG
COK COL COM CPV CRI CUB CUW CXR CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH
FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB GNB GNQ GRC GRD GRL GTM GUF GUM GUY
HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM
KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL
MKD MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR
NPL NRU NZL OMN PAK PAN PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU
SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA
TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB
VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE`;
const ICAO_CODES = `
D<< GBD GBN GBO GBP GBS UNO UNA UNK EUE RKS XBA XCC XCE XCO XDC XEC XES XIM XMP XOM XPO XXA XXB
XXC XXX UTO ANT SCG`;

const CODES = new Set(`${ISO_3166_ALPHA3} ${ICAO_CODES}`.trim().split(/\s+/));

/** Letters OCR takes for one another in OCR-B, both ways. */
const LOOKALIKES: Record<string, string> = {
  O: 'DQUC', D: 'O', Q: 'O', U: 'OV', C: 'GO', G: 'CO', B: 'ER', E: 'BF', F: 'EP', P: 'FR', R: 'PB',
  I: 'LTJ', L: 'I', T: 'I', J: 'I', V: 'UY', Y: 'V', M: 'NH', N: 'MH', H: 'NM', K: 'X', X: 'K', W: 'V',
};

/** The listed code one lookalike away from an unlisted read, if there is exactly one. */
export function fixCountryCode(code: string): string {
  if (code.length !== 3 || CODES.has(code) || /^[A-Z]<</.test(code)) return code;
  const found = new Set<string>();
  for (let i = 0; i < 3; i++) {
    for (const alt of LOOKALIKES[code[i]!] ?? '') {
      const cand = code.slice(0, i) + alt + code.slice(i + 1);
      if (CODES.has(cand)) found.add(cand);
    }
  }
  return found.size === 1 ? [...found][0]! : code;
}
