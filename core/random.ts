/**
 * Seeded, dependency-free randomness. Everything random in maft (question generation, tie-breaks,
 * the w-mix sample, the simulator's agents) draws from here so a seed reproduces a run exactly.
 */

/** FNV-1a 32-bit hash of a string: stable seeds from names like "run/iteration/agent". */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seed derived from several parts, e.g. seedFrom(config.seed, 'tiebreak', questionId). */
export function seedFrom(...parts: Array<string | number>): number {
  return hashString(parts.join('\u241f'));
}

/** mulberry32: a small, fast PRNG with a 32-bit state; returns floats in [0, 1). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [low, high], inclusive. */
export function randomInt(rng: () => number, low: number, high: number): number {
  return low + Math.floor(rng() * (high - low + 1));
}

/** A uniformly random subset of `count` items, in their original order (Floyd-free partial shuffle). */
export function sampleWithoutReplacement<T>(rng: () => number, items: readonly T[], count: number): T[] {
  if (count > items.length) throw new Error(`cannot sample ${count} of ${items.length} items`);
  const indices = items.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i]);
}
