/** C.4, embedding dissimilarity: 1 - cosine similarity of two replies' embeddings. */

export function cosineDissimilarity(u: ReadonlyArray<number>, v: ReadonlyArray<number>): number {
  if (u.length !== v.length) throw new Error(`embeddings of different sizes (${u.length} and ${v.length})`);
  let dot = 0;
  let uu = 0;
  let vv = 0;
  for (let k = 0; k < u.length; k++) {
    dot += u[k] * v[k];
    uu += u[k] * u[k];
    vv += v[k] * v[k];
  }
  if (uu === 0 || vv === 0) throw new Error('a zero embedding has no direction');
  return 1 - dot / Math.sqrt(uu * vv);
}

/** One question's C.4: the mean of 1 - cos over the pairs of its replies that match ŷ (at least two). */
export function meanPairDissimilarity(embeddings: ReadonlyArray<ReadonlyArray<number>>): number {
  if (embeddings.length < 2) throw new Error(`${embeddings.length} embedding(s): no pair to compare`);
  let sum = 0;
  let pairs = 0;
  embeddings.forEach((u, i) =>
    embeddings.slice(i + 1).forEach((v) => {
      sum += cosineDissimilarity(u, v);
      pairs++;
    }),
  );
  return sum / pairs;
}
