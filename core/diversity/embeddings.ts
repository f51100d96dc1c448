/** Embedding dissimilarity: 1 - cosine similarity of two agents' response embeddings. */

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

/** matrix[i][j] = 1 - cos(e_i, e_j) for one question's response embeddings (0 on the diagonal). */
export function dissimilarityMatrix(embeddings: ReadonlyArray<ReadonlyArray<number>>): number[][] {
  return embeddings.map((u, i) => embeddings.map((v, j) => (i === j ? 0 : cosineDissimilarity(u, v))));
}
