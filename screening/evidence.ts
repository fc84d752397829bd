/**
 * Birth date and nationality as evidence: agreement raises a name match's score, disagreement
 * lowers it. Lists often give only a year, several dates, or none: missing evidence moves nothing.
 */
export interface Evidence {
  adjustment: number;
  reasons: string[];
}

export function birthDateEvidence(subject: string | null, listed: string[]): Evidence {
  if (!subject || !listed.length) return { adjustment: 0, reasons: [] };
  let best: Evidence | null = null;
  for (const date of listed) {
    const e = compareDates(subject, date);
    if (!best || e.adjustment > best.adjustment) best = e;
  }
  return best!;
}

function compareDates(subject: string, listed: string): Evidence {
  const year = Number(subject.slice(0, 4));
  const listedYear = Number(listed.slice(0, 4));
  if (!Number.isFinite(listedYear)) return { adjustment: 0, reasons: [] };
  if (listed.length >= 10 && subject === listed) return { adjustment: 0.1, reasons: [`birth date agrees (${listed})`] };
  if (listed.length === 7 && subject.startsWith(listed)) return { adjustment: 0.07, reasons: [`birth month agrees (${listed})`] };
  if (listed.length === 4 && year === listedYear) return { adjustment: 0.05, reasons: [`birth year agrees (${listed})`] };
  if (year === listedYear) {
    // Same year, other day or month: a typo or a day/month swap on one side.
    return { adjustment: 0.02, reasons: [`birth year agrees, day or month differs (${listed})`] };
  }
  if (Math.abs(year - listedYear) === 1) return { adjustment: -0.05, reasons: [`birth year one off (${listed})`] };
  return { adjustment: -0.3, reasons: [`birth date disagrees (${listed})`] };
}

export function nationalityEvidence(subject: string | null, listed: string[]): Evidence {
  if (!subject || !listed.length) return { adjustment: 0, reasons: [] };
  if (listed.includes(subject)) return { adjustment: 0.03, reasons: [`nationality agrees (${subject})`] };
  return { adjustment: -0.05, reasons: [`nationality differs (${listed.join(', ')})`] };
}
