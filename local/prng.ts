// A seeded pseudo-random generator (mulberry32: 32 bits of state, a full period of 2^32), so that a fuzz pass, a
// fault run (local/faults.ts), a crash test's kills or a soak is the same every time it runs with the same seed, and
// a failure can be replayed by giving its seed back. Ten lines of arithmetic, kept here once rather than a dependency.

export class Rng {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** A whole number in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** A whole number in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** A copy of `items` in a random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** `length` characters drawn from `alphabet`. */
  string(length: number, alphabet: string): string {
    const chars = [...alphabet];
    let out = '';
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }
}

/** The seed of this run: SIGNOFF_FUZZ_SEED (decimal or 0x hex) when set, else a fixed one, so CI runs one pass. */
export function fuzzSeed(env: string | undefined, fallback: number): number {
  if (env === undefined || env.trim() === '') return fallback;
  const n = Number(env.trim());
  if (!Number.isSafeInteger(n) || n < 0 || n > 0xffff_ffff)
    throw new Error(`SIGNOFF_FUZZ_SEED must be a whole number from 0 to 2^32-1 (got "${env}")`);
  return n;
}
