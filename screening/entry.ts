/** One person on a sanctions or PEP list, whatever the list's own format. */
export interface ListEntry {
  /** `${source}:${the list's own id}`: stable across versions of the list. */
  id: string;
  source: ListSource;
  /** Every name: the primary first, then aliases in any script. */
  names: string[];
  /** Partial ISO dates as the list gives them: YYYY, YYYY-MM or YYYY-MM-DD. */
  birthDates: string[];
  /** ISO 3166-1 alpha-2, upper case. */
  nationalities: string[];
  /** What kind of listing: sanction, pep, crime, … (OpenSanctions topics; OFAC entries are `sanction`). */
  topics: string[];
  /** Sanctions programmes or datasets the entry comes from. */
  programs: string[];
}

export const LIST_SOURCES = ['opensanctions', 'ofac-sdn'] as const;
export type ListSource = (typeof LIST_SOURCES)[number];

/** The person being screened, as confirmed from their document. */
export interface ScreeningSubject {
  name: string;
  /** YYYY-MM-DD, or null when unknown. */
  birthDate: string | null;
  /** Alpha-2 or alpha-3 (an MRZ gives alpha-3), or null. */
  nationality: string | null;
}

export interface ScreeningHit {
  entryId: string;
  source: ListSource;
  /** The entry's primary name, and the alias that matched (list data, public). */
  entryName: string;
  matchedAlias: string;
  /** 0..1: name similarity moved by the birth-date and nationality evidence. */
  score: number;
  nameScore: number;
  /** Why, in words: which tokens agreed and which evidence raised or lowered the score. */
  reasons: string[];
  topics: string[];
  programs: string[];
}
