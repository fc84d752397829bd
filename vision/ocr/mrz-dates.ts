/**
 * YYMMDD → ISO. Birth dates take the latest century that is not in the future. Expiry dates are
 * 20YY unless that lies more than 50 years ahead (then 19YY): documents are valid ≤ ~10 years, and
 * old specimens (e.g. expiry "96") must land in the past, not in 2096.
 */
export function mrzDate(yymmdd: string, kind: 'birth' | 'expiry', now = new Date()): string | null {
  if (!/^\d{6}$/.test(yymmdd)) return null;
  const yy = Number(yymmdd.slice(0, 2));
  const mm = Number(yymmdd.slice(2, 4));
  const dd = Number(yymmdd.slice(4, 6));
  let year = 2000 + yy;
  if (kind === 'birth' && Date.UTC(year, mm - 1, dd) > now.getTime()) year -= 100;
  if (kind === 'expiry' && year > now.getUTCFullYear() + 50) year -= 100;
  const d = new Date(Date.UTC(year, mm - 1, dd));
  if (d.getUTCMonth() !== mm - 1 || d.getUTCDate() !== dd) return null; // e.g. month 13, 31 Feb
  return d.toISOString().slice(0, 10);
}
