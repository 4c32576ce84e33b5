/**
 * A region's transform (operators.ts applyOperatorTo) sampled at LUT nodes by the
 * WebAssembly kernels (operatorNodes): the same formulas, step for step, in the
 * kernels' double precision with their own cbrt / exp / log / atan2 (within an ulp of
 * V8's). The planner samples the transform at tens of thousands of nodes per region and
 * round; in JavaScript each sample cost ≈ 3× as much (calls into the C library, boxing).
 * operators.ts stays the reference implementation: a test holds the two together.
 */

import { OKLAB_M1_SRGB, OKLAB_M1_SRGB_INVERSE, OKLAB_M2, OKLAB_M2_INVERSE } from '../color/oklab.js';
import { SRGB_ENCODE_FAST, SRGB_ENCODE_THRESHOLD, srgbToLinear } from '../color/srgb.js';
import { Scratch, kernels, type Kernels } from '../wasm/kernels.js';
import { CONE_TO_RGB, HIGHLIGHT_KNEE, RGB_TO_CONE, UNIT_CONE_LOG_GAIN, WHITE_Y, type RegionOperator } from './operators.js';

/** The constants block the kernel reads (see the C_ offsets in assembly/kernels.ts). */
const CONSTANTS: Float64Array = (() => {
  const head = [
    ...OKLAB_M1_SRGB,
    ...OKLAB_M2,
    ...OKLAB_M2_INVERSE,
    ...OKLAB_M1_SRGB_INVERSE,
    ...UNIT_CONE_LOG_GAIN,
    ...WHITE_Y,
    ...RGB_TO_CONE,
    ...CONE_TO_RGB,
    HIGHLIGHT_KNEE,
    SRGB_ENCODE_THRESHOLD,
    SRGB_ENCODE_FAST.u0,
    SRGB_ENCODE_FAST.invStep,
  ];
  const c = new Float64Array(head.length + SRGB_ENCODE_FAST.table.length);
  c.set(head);
  c.set(SRGB_ENCODE_FAST.table, head.length);
  return c;
})();

/** Bytes of the operator block: gain, pivot, slope, chroma, temperature, white-balance matrix. */
const OPERATOR_BYTES = 8 * 14;

/** Where a call's constants, operator and lattice values lie in the kernels' memory. */
export interface OperatorMemory {
  readonly constants: number;
  readonly op: number;
  readonly lin: number;
  readonly size: number;
}

/** Reserves the constants, an operator and a size-node lattice on `scratch` (filled by writeOperatorConstants and writeOperator after the commit). */
export function takeOperatorMemory(scratch: Scratch, size: number): OperatorMemory {
  return { constants: scratch.take(8 * CONSTANTS.length), op: scratch.take(OPERATOR_BYTES), lin: scratch.take(8 * size), size };
}

const LATTICE_LINEAR = new Map<number, Float64Array>();

/** Linear value of each lattice coordinate of a size³ LUT over the sRGB cube. */
export function latticeLinear(size: number): Float64Array {
  let lin = LATTICE_LINEAR.get(size);
  if (!lin) {
    lin = new Float64Array(size);
    for (let i = 0; i < size; i++) lin[i] = srgbToLinear(i / (size - 1));
    LATTICE_LINEAR.set(size, lin);
  }
  return lin;
}

/** Writes the constants and the lattice's linear values where takeOperatorMemory put them (once per layout). */
export function writeOperatorConstants(k: Kernels, at: OperatorMemory): void {
  k.f64.set(CONSTANTS, at.constants >> 3);
  k.f64.set(latticeLinear(at.size), at.lin >> 3);
}

/** Writes `op` where takeOperatorMemory put it. */
export function writeOperator(k: Kernels, at: OperatorMemory, op: RegionOperator): void {
  const o = at.op >> 3;
  k.f64[o] = op.gain;
  k.f64[o + 1] = op.pivot;
  k.f64[o + 2] = op.slope;
  k.f64[o + 3] = op.chroma;
  k.f64[o + 4] = op.temperature;
  k.f64.set(op.wb, o + 5);
}

/**
 * The transform at the given nodes (offsets 3 × node into an RGB LUT; all nodes in
 * order when omitted) into `lut` (RGB, sRGB-encoded 0..1, size³ × 3), on this thread's
 * kernels.
 */
export function sampleOperator(op: RegionOperator, size: number, lut: Float32Array, nodes?: Int32Array): void {
  const scratch = new Scratch(kernels());
  const at = takeOperatorMemory(scratch, size);
  const count = nodes ? nodes.length : size * size * size;
  const list = nodes ? scratch.take(4 * nodes.length) : 0;
  const out = scratch.take(12 * size * size * size);
  const k = scratch.commit();
  writeOperatorConstants(k, at);
  writeOperator(k, at, op);
  if (nodes) k.i32.set(nodes, list >> 2);
  k.k.operatorNodes(at.constants, at.op, at.lin, size, list, count, out, 0);
  const f = out >> 2;
  if (!nodes) {
    lut.set(k.f32.subarray(f, f + lut.length));
    return;
  }
  for (let i = 0; i < nodes.length; i++) {
    const o = nodes[i];
    lut[o] = k.f32[f + o];
    lut[o + 1] = k.f32[f + o + 1];
    lut[o + 2] = k.f32[f + o + 2];
  }
}
