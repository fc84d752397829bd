/**
 * Failed sign-ins per user name, in this process, over a sliding window. Past the limit a name is
 * refused before its password is checked, from whatever address: the per-IP limit alone lets a
 * guesser that rotates addresses go on against one account. Unknown names are counted like real
 * ones, so the refusal tells nothing about which names exist. The map is bounded (oldest names
 * are forgotten first), so junk names cannot grow it without end.
 */
export class SignInFailures {
  private readonly byName = new Map<string, number[]>();

  constructor(private readonly opts: { max: number; windowMs: number; maxNames?: number }) {}

  /** True while the name has had `max` failures within the window. */
  locked(name: string, now = Date.now()): boolean {
    return this.recent(name, now).length >= this.opts.max;
  }

  noteFailure(name: string, now = Date.now()): void {
    const times = [...this.recent(name, now), now];
    this.byName.delete(name); // re-inserted last: Map order is the eviction order
    this.byName.set(name, times);
    if (this.byName.size > (this.opts.maxNames ?? 10_000)) this.byName.delete(this.byName.keys().next().value!);
  }

  clear(name: string): void {
    this.byName.delete(name);
  }

  private recent(name: string, now: number): number[] {
    return (this.byName.get(name) ?? []).filter((t) => now - t < this.opts.windowMs);
  }
}
