/**
 * Reply length and repetition (docs/behaviour.md). A word is a maximal run of non-whitespace
 * characters; n-grams are compared on lower-cased words, so "The answer" and "the answer" match but
 * "answer." and "answer" do not.
 */

/** The reply's whitespace-separated words, as written. */
export function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

const N = 3;

function grams(text: string): string[] {
  const w = words(text.toLowerCase());
  return Array.from({ length: Math.max(0, w.length - N + 1) }, (_, i) => w.slice(i, i + N).join(' '));
}

/**
 * The fraction of the reply's word 3-grams (counted with repetition) that occur in any of the
 * texts it was shown (3-grams never span two shown texts); null when the reply has fewer than 3
 * words or nothing was shown.
 */
export function ngramOverlap(reply: string, shown: readonly string[]): number | null {
  const own = grams(reply);
  if (own.length === 0 || shown.length === 0) return null;
  const seen = new Set(shown.flatMap(grams));
  return own.filter((g) => seen.has(g)).length / own.length;
}
