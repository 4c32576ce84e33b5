/**
 * Solves a region's operator strengths so that its measured, normalised scores land
 * on the target (design.md §5: "strength is solved so that the region's measured,
 * normalised score lands on the map's target").
 *
 * The four scores interact (brightening raises Hasler colourfulness, which is measured
 * in code values; warming shifts chroma), so the strengths are solved jointly:
 * Levenberg–Marquardt steps on a finite-difference Jacobian kept current by Broyden
 * updates, projected onto STRENGTH_BOUNDS, with attributes pinned at a bound or out of
 * their own operator's reach set aside so that the others still land. Each operator is
 * monotone in its own strength, so the diagonal dominates and a few evaluations usually
 * suffice; strongly coupled regions (a blue sky's colourfulness swings with its
 * temperature) use the evaluation budget and may end flagged as clipped.
 *
 * Each evaluation renders the region's proxy (proxy.ts): the working-size pixels,
 * with sigma points where their full-resolution blocks vary, through the region's
 * transform as a LUT, and measures the result exactly as the report will.
 */

import type { CalibrationTable } from '../calibration/table.js';
import { denormalizeExtended, normalize, normalizeExtended } from '../calibration/table.js';
import { ATTRIBUTES, type Attribute, type AttributeRecord } from '../image.js';
import { scoresFromStats } from '../scores/formulas.js';
import { STRENGTH_BOUNDS, type Strengths } from './operators.js';
import { proxyStats, type RegionProxy } from './proxy.js';

export interface SolveResult {
  readonly strengths: Strengths;
  /** Predicted normalised scores at the solution. */
  readonly predicted: AttributeRecord;
  /**
   * Targets out of reach: the operators hit their bounds (STRENGTH_BOUNDS: further would
   * clip or posterise pixels), or the region's targets pull against each other (a strong
   * colour cast is itself colourful, so "much warmer but far less colourful" has a limit).
   */
  readonly clipped: Record<Attribute, boolean>;
  readonly evaluations: number;
  /** The Jacobian at the solution (∂ normalised score / ∂ strength), for a warm restart. */
  readonly jacobian: number[][];
  /** Raw scores the proxy measured at the solution: a warm restart from it need not measure them again. */
  readonly raw: AttributeRecord;
}

/** Where a solve may start: strengths and a Jacobian there, and the raw scores there when already measured on the same proxy. */
export interface SolveStart {
  readonly strengths: Strengths;
  readonly jacobian: number[][];
  readonly raw?: AttributeRecord;
}

/** Solver tolerance in normalised units (the acceptance band is 0.03). */
export const SOLVE_TOLERANCE = 0.004;
/** Residual beyond which a target counts as out of reach (clipped) in the report. */
export const CLIP_TOLERANCE = 0.02;
const MAX_EVALUATIONS = 16;
/**
 * Evaluation budget of a correction round's warm re-solve (it starts next to the answer,
 * where the proxy's scores are already known: see SolveStart.raw).
 */
export const MAX_CORRECTION_EVALUATIONS = 5;
const FD_STEP = 0.25;
/** Largest change of any strength in one step. */
const MAX_STEP = 0.75;
/** Below this |∂u_i/∂x_i| (normalised units per unit of strength) attribute i counts as out of its operator's reach. */
const MIN_OWN_RESPONSE = 0.02;
/** Weight of the pull toward zero strengths, in normalised units per unit of strength. */
const RIDGE = 0.005;
/** Half-width (normalised units) over which the calibration's slope is averaged. */
const SLOPE_SPAN = 0.05;

function toVector(r: AttributeRecord): number[] {
  return ATTRIBUTES.map((a) => r[a]);
}
function fromVector(v: readonly number[]): Strengths {
  return { colorfulness: v[0], contrast: v[1], temperature: v[2], brightness: v[3] };
}
function clampToBounds(v: number[]): number[] {
  return v.map((x, i) => Math.min(STRENGTH_BOUNDS[ATTRIBUTES[i]][1], Math.max(STRENGTH_BOUNDS[ATTRIBUTES[i]][0], x)));
}
const maxAbs = (v: readonly number[]) => v.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const norm2 = (v: readonly number[]) => v.reduce((m, x) => m + x * x, 0);
/** Sum of squared misses over the attributes their own operators can move (see MIN_OWN_RESPONSE). */
const merit = (v: readonly number[], J: number[][]) => v.reduce((m, e, i) => m + (Math.abs(J[i][i]) >= MIN_OWN_RESPONSE ? e * e : 0), 0);

/** Solves the n×n linear system J·d = −f by Gaussian elimination with partial pivoting. */
function newtonStep(J: number[][], f: readonly number[]): number[] | null {
  const n = f.length;
  const A = J.map((row, i) => [...row, -f[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(A[r][c]) > Math.abs(A[p][c])) p = r;
    if (Math.abs(A[p][c]) < 1e-9) return null;
    [A[c], A[p]] = [A[p], A[c]];
    for (let r = c + 1; r < n; r++) {
      const k = A[r][c] / A[c][c];
      for (let k2 = c; k2 <= n; k2++) A[r][k2] -= k * A[c][k2];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = A[r][n];
    for (let c = r + 1; c < n; c++) s -= A[r][c] * x[c];
    x[r] = s / A[r][r];
  }
  return x;
}

/**
 * Finds strengths whose predicted normalised scores match `target` (normalised), starting
 * from the identity: Newton steps on a Broyden-updated Jacobian inside a trust region,
 * re-measuring the Jacobian when the model keeps failing. Attributes still further than
 * CLIP_TOLERANCE from their target at the end are reported as clipped.
 */
export function solveStrengths(
  proxy: RegionProxy,
  target: AttributeRecord,
  table: CalibrationTable,
  start?: SolveStart,
  maxEvaluations = MAX_EVALUATIONS,
): SolveResult {
  let evaluations = 0;
  const t = toVector(target);
  // The solver runs on raw scores scaled by the calibration's slope around each target:
  // the table is a piecewise-linear CDF of a few hundred regions, jagged at the scale
  // of single samples, while raw scores are smooth in the strengths.
  const rawTarget = ATTRIBUTES.map((a, i) => denormalizeExtended(table, a, t[i]));
  const slope = ATTRIBUTES.map((a, i) => {
    const s = (denormalizeExtended(table, a, t[i] + SLOPE_SPAN) - denormalizeExtended(table, a, t[i] - SLOPE_SPAN)) / (2 * SLOPE_SPAN);
    return Math.max(s, 1e-9);
  });
  let lastRaw: AttributeRecord | undefined;
  // Raw scores → the solver's units (normalised, linearised around the target).
  const toSolverUnits = (raw: AttributeRecord): number[] => ATTRIBUTES.map((a, i) => t[i] + (raw[a] - rawTarget[i]) / slope[i]);
  const measure = (x: readonly number[]): number[] => {
    evaluations++;
    lastRaw = scoresFromStats(proxyStats(proxy, fromVector(x))) as AttributeRecord;
    return toSolverUnits(lastRaw);
  };
  let x = start ? toVector(start.strengths) : [0, 0, 0, 0];
  // A warm restart knows the proxy's scores at its start (only the target moved).
  if (start?.raw) lastRaw = start.raw;
  let u = start?.raw ? toSolverUnits(start.raw) : measure(x);
  let f = u.map((v, i) => v - t[i]);
  let raw = lastRaw as AttributeRecord;
  const J = start && start.jacobian.length === 4 ? start.jacobian.map((row) => [...row]) : maxAbs(f) <= SOLVE_TOLERANCE ? [] : finiteDifferenceJacobian(measure, x, u, f);
  const done = () => finish(x, raw, ATTRIBUTES.map((a) => normalize(table, a, raw[a])), t, evaluations, J);
  if (maxAbs(f) <= SOLVE_TOLERANCE) return done();
  let failures = 0;
  // Levenberg–Marquardt (Marquardt 1963): damped Gauss–Newton steps, the damping
  // raised when a step fails and lowered when it succeeds, so that an ill-conditioned
  // pair (a saturated region's colour is both its colourfulness and its temperature)
  // cannot send the strengths off in a weak direction.
  let lambda = 1e-2;
  // The worst miss among the attributes their own operators can move.
  const worst = (v: readonly number[]) => v.reduce((m, e, i) => (Math.abs(J[i][i]) >= MIN_OWN_RESPONSE ? Math.max(m, Math.abs(e)) : m), 0);
  while (evaluations < maxEvaluations && worst(f) > SOLVE_TOLERANCE && lambda < 1e6) {
    let d = activeSetStep(J, f, x, lambda);
    const len = maxAbs(d);
    if (len > MAX_STEP) d = d.map((v) => (v * MAX_STEP) / len);
    const xn = clampToBounds(x.map((xi, i) => xi + d[i]));
    const dx = xn.map((v, i) => v - x[i]);
    const dd = norm2(dx);
    if (dd <= 1e-12) break; // pinned against the bounds: nothing left to try
    const un = measure(xn);
    const fn = un.map((v, i) => v - t[i]);
    // Broyden's "good" update keeps J consistent with the step just measured.
    const df = fn.map((v, i) => v - f[i]);
    for (let i = 0; i < 4; i++) {
      const jdx = J[i].reduce((acc, v, k) => acc + v * dx[k], 0);
      for (let k = 0; k < 4; k++) J[i][k] += ((df[i] - jdx) * dx[k]) / dd;
    }
    // Progress is judged on the attributes their own operators can move: an unreachable
    // one drifting by a hair must not veto a step that meets the others.
    if (merit(fn, J) < merit(f, J)) {
      x = xn;
      u = un;
      f = fn;
      raw = lastRaw as AttributeRecord;
      lambda = Math.max(1e-6, lambda / 4);
      failures = 0;
    } else {
      lambda *= 8;
      // Twice wrong in a row: measure the Jacobian afresh where we stand.
      if (++failures === 2 && evaluations + 4 < maxEvaluations) {
        const fresh = finiteDifferenceJacobian(measure, x, u, f);
        for (let i = 0; i < 4; i++) J[i] = fresh[i];
        failures = 0;
      }
    }
  }
  return done();
}

/**
 * The damped Gauss–Newton step (JᵀJ + λ·diag(JᵀJ))·d = −Jᵀf, with strengths pinned at a
 * bound that the step would push past held fixed and their attributes dropped from the
 * system: a target out of one operator's reach must not stop the other three from
 * meeting theirs.
 */
function activeSetStep(J: number[][], f: readonly number[], x: readonly number[], lambda: number): number[] {
  // An attribute its own operator cannot move (colourfulness of a greyscale region:
  // chroma × gain is still zero) is left out too, or the other operators would be
  // bent to chase it (a colour cast would make the greys "colourful").
  const free = [0, 1, 2, 3].filter((i) => Math.abs(J[i][i]) >= MIN_OWN_RESPONSE);
  for (let pass = 0; pass < 4; pass++) {
    const n = free.length;
    const A: number[][] = free.map(() => new Array<number>(n).fill(0));
    const g = new Array<number>(n).fill(0);
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) for (const i of free) A[r][c] += J[i][free[r]] * J[i][free[c]];
      for (const i of free) g[r] += J[i][free[r]] * f[i];
    }
    // Marquardt's damping, plus a faint pull toward the identity (Tikhonov): where
    // several strength mixes reach the targets, the mildest edit wins.
    for (let r = 0; r < n; r++) {
      A[r][r] += lambda * Math.max(A[r][r], 1e-6) + RIDGE * RIDGE;
      g[r] += RIDGE * RIDGE * x[free[r]];
    }
    const dr = newtonStep(A, g) ?? g.map((gi, r) => -gi / Math.max(A[r][r], 1e-6));
    const d = [0, 0, 0, 0];
    free.forEach((i, k) => (d[i] = dr[k]));
    const pinned = free.filter((i) => {
      const [lo, hi] = STRENGTH_BOUNDS[ATTRIBUTES[i]];
      return (x[i] >= hi - 1e-9 && d[i] > 0) || (x[i] <= lo + 1e-9 && d[i] < 0);
    });
    if (pinned.length === 0 || pinned.length === free.length) return d;
    for (const i of pinned) free.splice(free.indexOf(i), 1);
  }
  return [0, 0, 0, 0];
}

/** Forward differences at x, each step taken toward its own attribute's target. */
function finiteDifferenceJacobian(measure: (x: readonly number[]) => number[], x: readonly number[], u: readonly number[], f: readonly number[]): number[][] {
  const J: number[][] = [[], [], [], []];
  for (let j = 0; j < 4; j++) {
    const [lo, hi] = STRENGTH_BOUNDS[ATTRIBUTES[j]];
    let h = f[j] > 0 ? -FD_STEP : FD_STEP;
    if (x[j] + h > hi || x[j] + h < lo) h = -h;
    const xh = [...x];
    xh[j] += h;
    const uh = measure(xh);
    for (let i = 0; i < 4; i++) J[i][j] = (uh[i] - u[i]) / h;
  }
  return J;
}

/** Packs the solver's end point (true normalised scores); a miss beyond CLIP_TOLERANCE means the target was out of reach. */
function finish(x: readonly number[], raw: AttributeRecord, u: readonly number[], t: readonly number[], evaluations: number, jacobian: number[][]): SolveResult {
  const clipped = {} as Record<Attribute, boolean>;
  const predicted = {} as AttributeRecord;
  ATTRIBUTES.forEach((a, i) => {
    clipped[a] = Math.abs(u[i] - t[i]) > CLIP_TOLERANCE;
    predicted[a] = u[i];
  });
  return { strengths: fromVector(x), predicted, clipped, evaluations, jacobian, raw };
}

/**
 * A starting point for `solveStrengths` on a large region, found on a coarse copy of
 * its proxy (half the working size: a quarter of the pixels). The coarse copy measures
 * contrast between pixels twice as far apart and averages other blocks, so its targets
 * are transferred from the region's as-shot scores: contrast by ratio, the others by
 * difference. The full solve then starts next to its solution with the coarse Jacobian,
 * and usually needs a few evaluations instead of a dozen.
 */
export function coarseStart(
  coarse: RegionProxy,
  asShotRaw: AttributeRecord,
  target: AttributeRecord,
  table: CalibrationTable,
): SolveStart {
  const base = scoresFromStats(proxyStats(coarse, fromVector([0, 0, 0, 0]))) as AttributeRecord;
  const aim = {} as AttributeRecord;
  for (const a of ATTRIBUTES) {
    const rawTarget = denormalizeExtended(table, a, target[a]);
    const moved = a === 'contrast' ? (asShotRaw[a] > 0 ? base[a] * (rawTarget / asShotRaw[a]) : base[a]) : base[a] + (rawTarget - asShotRaw[a]);
    aim[a] = normalizeExtended(table, a, moved);
  }
  const solved = solveStrengths(coarse, aim, table);
  return { strengths: solved.strengths, jacobian: solved.jacobian };
}
