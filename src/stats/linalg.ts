/**
 * The small dense linear algebra a GLM needs: symmetric positive-definite systems of a few dozen
 * unknowns at most (one per model term), solved by Cholesky. Matrices are arrays of rows.
 */
import { FedomopError } from '../errors.js';

export type Matrix = number[][];

export function zeros(rows: number, cols: number): Matrix {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

/** Lower-triangular L with A = L Lᵀ; throws ERR_QUERY_FAILED when A is not positive definite. */
export function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = zeros(n, n);
  for (let j = 0; j < n; j++) {
    if (a[j].length !== n) throw new FedomopError('ERR_BAD_REQUEST', 'cholesky needs a square matrix');
    let diag = a[j][j];
    for (let k = 0; k < j; k++) diag -= l[j][k] * l[j][k];
    // A relative threshold: a pivot lost to rounding means collinear terms, which no step can fix.
    if (!(diag > 1e-12 * Math.abs(a[j][j])) || !(diag > 0)) {
      throw new FedomopError(
        'ERR_QUERY_FAILED',
        `matrix is not positive definite (term ${j} is collinear with earlier terms or constant)`,
        {
          term: j,
        },
      );
    }
    const ljj = Math.sqrt(diag);
    l[j][j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = s / ljj;
    }
  }
  return l;
}

/** Solves A x = b given A's Cholesky factor L. */
export function choleskySolve(l: Matrix, b: number[]): number[] {
  const n = l.length;
  if (b.length !== n) throw new FedomopError('ERR_BAD_REQUEST', 'right-hand side has the wrong length');
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** A⁻¹ for symmetric positive-definite A, column by column from its Cholesky factor. */
export function inverseSpd(a: Matrix): Matrix {
  const n = a.length;
  const l = cholesky(a);
  const inv = zeros(n, n);
  for (let j = 0; j < n; j++) {
    const e = new Array<number>(n).fill(0);
    e[j] = 1;
    const col = choleskySolve(l, e);
    for (let i = 0; i < n; i++) inv[i][j] = col[i];
  }
  // Symmetrise: the two triangles differ only by rounding.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const m = (inv[i][j] + inv[j][i]) / 2;
      inv[i][j] = m;
      inv[j][i] = m;
    }
  }
  return inv;
}

/** Solves A x = b for symmetric positive-definite A. */
export function solveSpd(a: Matrix, b: number[]): number[] {
  return choleskySolve(cholesky(a), b);
}

export function matVec(a: Matrix, x: number[]): number[] {
  return a.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
}
