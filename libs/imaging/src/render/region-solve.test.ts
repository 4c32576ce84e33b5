import { describe, expect, it } from 'vitest';
import { analyzeWorking } from '../analysis.js';
import { DEFAULT_CALIBRATION as table } from '../calibration/default.js';
import { ATTRIBUTES, type AttributeRecord } from '../image.js';
import { mulberry32 } from '../segment/clusters.js';
import { buildRegionProxy } from './proxy.js';
import { solveRegion, type PlanSource } from './region-solve.js';
import { MAX_CORRECTION_EVALUATIONS, solveStrengths } from './solve.js';

// A small textured image, one region, with block spreads so that the proxy has sigma points.
const W = 48, H = 32;
const rand = mulberry32(7);
const data = new Float32Array(W * H * 3);
for (let i = 0; i < W * H; i++) {
  const base = 60 + 120 * ((i % W) / W);
  data[3 * i] = base + 30 * rand();
  data[3 * i + 1] = base * 0.8 + 20 * rand();
  data[3 * i + 2] = base * 0.6 + 10 * rand();
}
const spread = Float32Array.from({ length: data.length }, () => 4 * rand());
const labels = new Uint8Array(W * H);
const work = { width: W, height: H, data };
const asShot = analyzeWorking(work, labels, table).regions[0];
const shifted = (by: number): AttributeRecord => Object.fromEntries(ATTRIBUTES.map((a, i) => [a, asShot.values[a] + (i % 2 ? -by : by)])) as AttributeRecord;

describe('solveRegion and warm restarts', () => {
  const source: PlanSource = { work, spread, labels, coarse: null };

  it('reuses the scores a warm restart starts from: the same solve, one proxy evaluation fewer', () => {
    const first = solveRegion({ id: 0, pixels: W * H, asShotRaw: asShot.raw, aim: shifted(0.1), proxy: null, previous: null }, source, table);
    const aim = shifted(0.12);
    const reused = solveStrengths(first.proxy, aim, table, first.solved, MAX_CORRECTION_EVALUATIONS);
    const remeasured = solveStrengths(first.proxy, aim, table, { strengths: first.solved.strengths, jacobian: first.solved.jacobian }, MAX_CORRECTION_EVALUATIONS + 1);
    expect(reused.strengths).toEqual(remeasured.strengths);
    expect(reused.predicted).toEqual(remeasured.predicted);
    expect(reused.evaluations).toBe(remeasured.evaluations - 1);
  });

  it('gives the same answer with a proxy passed back in as with one built afresh', () => {
    const cold = solveRegion({ id: 0, pixels: W * H, asShotRaw: asShot.raw, aim: shifted(0.1), proxy: null, previous: null }, source, table);
    const again = solveRegion({ id: 0, pixels: W * H, asShotRaw: asShot.raw, aim: shifted(0.1), proxy: buildRegionProxy(work, spread, labels, 0), previous: null }, source, table);
    expect(again.solved).toEqual(cold.solved);
  });
});
