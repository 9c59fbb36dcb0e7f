/**
 * Residual sums of squares of a sequence of nested linear models, as R's `anova(lm(...))`
 * computes them for type I (sequential) tests: the columns of the design are taken in
 * order, each model adds its group of columns to the previous one. Columns that add
 * nothing (linearly dependent on earlier ones, R's tolerance 1e-7) are dropped, so each
 * step's degrees of freedom are its rank gain, as in R.
 *
 * Modified Gram–Schmidt with a second orthogonalisation pass: plenty for the few dozen
 * plots of a site, and the residual is kept as a vector rather than as a difference of
 * large sums of squares.
 * @example sequentialRss([1, 2, 4], [[[1, 1, 1]]]) // => [{ rss: 4.666…, rank: 1 }]
 */
export function sequentialRss(y: readonly number[], groups: readonly (readonly (readonly number[])[])[]): { rss: number; rank: number }[] {
  const basis: number[][] = [];
  const residual = [...y];
  const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  const project = (v: number[]) => {
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        const c = dot(q, v);
        for (let i = 0; i < v.length; i++) v[i] -= c * q[i];
      }
    }
  };
  const out: { rss: number; rank: number }[] = [];
  for (const group of groups) {
    for (const column of group) {
      const v = [...column];
      const norm0 = Math.sqrt(dot(v, v));
      if (norm0 === 0) continue;
      project(v);
      const norm = Math.sqrt(dot(v, v));
      if (norm <= 1e-7 * norm0) continue;
      const q = v.map((x) => x / norm);
      basis.push(q);
      for (let pass = 0; pass < 2; pass++) {
        const c = dot(q, residual);
        for (let i = 0; i < residual.length; i++) residual[i] -= c * q[i];
      }
    }
    out.push({ rss: dot(residual, residual), rank: basis.length });
  }
  return out;
}
