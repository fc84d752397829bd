import argon2 from 'argon2';

/**
 * Reviewer passwords: argon2id (the `argon2` package's defaults: 64 MiB, 3 passes, parallelism 4,
 * OWASP's recommended family). Unknown names are checked against a fixed hash so both cases take
 * as long: the answer time does not tell which accounts exist.
 */
export const MIN_PASSWORD_LENGTH = 12;

export const hashPassword = (password: string): Promise<string> => argon2.hash(password, { type: argon2.argon2id });

let dummy: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (hash === null) {
    await argon2.verify(await (dummy ??= hashPassword('no-such-account-placeholder')), password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

/** Why a new password is not acceptable, or null. */
export function passwordProblem(password: string, username: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `use at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > 256) return 'use at most 256 characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'do not put the user name in the password';
  return null;
}
