/** A seeded PRNG (mulberry32) and the draws the simulator needs, in plain numbers. */
import { prng } from "../../src/models.js";

export type Rng = () => number;

/** The SDK's mulberry32 (keepers/src/models.ts), seeded per scenario. */
export const createRng: (seed: number) => Rng = prng;

/** Binomial(n, p): exact below 40 trials, else a normal approximation rounded into [0, n]. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (n <= 0 || p <= 0) return 0;
  if (p >= 1) return n;
  if (n < 40) {
    let k = 0;
    for (let i = 0; i < n; i++) if (rng() < p) k++;
    return k;
  }
  const z = Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  return Math.min(n, Math.max(0, Math.round(n * p + z * Math.sqrt(n * p * (1 - p)))));
}

/** Splits `n` draws among `weights` (a multinomial, by successive binomials): the counts per index. */
export function multinomial(rng: Rng, n: number, weights: readonly number[]): number[] {
  let total = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map(() => 0);
  for (let i = 0; i < weights.length && n > 0 && total > 0; i++) {
    const k = i === weights.length - 1 ? n : binomial(rng, n, weights[i]! / total);
    counts[i] = k;
    n -= k;
    total -= weights[i]!;
  }
  return counts;
}

/** One index drawn with probability proportional to `weights` (-1 when they are all 0). */
export function pick(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return -1;
  let x = rng() * total;
  for (let i = 0; i < weights.length; i++) if ((x -= weights[i]!) < 0) return i;
  return weights.length - 1;
}
