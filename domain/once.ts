/** Calls `make` on first use only and shares the result (e.g. models loaded once per process). */
export function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
