// Waiting on the local engine in its unit tests: a condition checked every few milliseconds, and the pause between checks.

/** The pause between two checks of a condition (not a wait for the condition itself). */
export const pollInterval = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** The first value `probe` gives, checked every 5 ms for at most 2 s. */
export async function until<T>(probe: () => T | undefined): Promise<T> {
  for (let i = 0; i < 400; i++) {
    const v = probe();
    if (v !== undefined) return v;
    await pollInterval(5);
  }
  throw new Error('condition never held');
}
