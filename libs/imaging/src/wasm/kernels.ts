/**
 * The renderer's WebAssembly SIMD kernels (assembly/kernels.ts, compiled by
 * scripts/build-wasm.mjs into kernels-wasm.ts): one instance per thread, made on first
 * use from the embedded bytes (no I/O). The kernels keep no state between calls: a
 * caller lays its operands out in the instance's memory with a Scratch, copies its
 * data in, calls, and copies results out, all synchronously, so callers on one thread
 * never see each other's layouts.
 */

import { KERNELS_WASM } from './kernels-wasm.js';

// The few WebAssembly types used here (the imaging library compiles without DOM or Node types).
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
};
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

/** The kernels' exports (addresses are byte offsets into the instance's memory). */
export interface KernelExports {
  addRows(src: number, rowLen: number, count: number, plain: number, sq: number): void;
  addWeightedRow(src: number, rowLen: number, w: number, weighted: number, sq: number): void;
  finishRow(sums: number, squares: number, n: number, norm: number, norm2: number, image: number, spread: number): void;
  passLut(rgb: number, nodes: number, scale: number, out: number): void;
  labelBounds(labels: number, W: number, H: number, out: number): void;
  halfBlocks(data: number, spread: number, W: number, w: number, h: number, dx: number, dy: number, mean: number, combined: number): void;
  markFeather(ab: number, w: number, h: number, x0: number, y0: number, gw: number, k: number, bit: number, owner: number, reach: number): void;
  classifyNodes(owner: number, reach: number, gw: number, gh: number, cw: number, ch: number, modes: number, regions: number): void;
  flushSpans(plain: number, weighted: number, unit: number, spans: number, outCols: number, full: number, srcWidth: number, out: number): void;
  lutRun(lut: number, lat: number, cache: number, sR: number, sG: number, pa: number, pb: number): void;
  blendRun(regs: number, coef: number, n: number, lat: number, sR: number, sG: number, pa: number, pb: number, gx: number, gx0: number): void;
  boxMean4(src: number, width: number, height: number, radius: number, out: number, tmp: number, col: number): void;
  proxyEval(lut: number, v0: number, v1: number, v2: number, w: number, far: number, pixels: number, singles: number, pairs: number, npairs: number, out: number, stats: number): void;
  proxyPoints(colours: number, singles: number, n: number, size: number, v0: number, v1: number, v2: number, w: number, touched: number, lin: number): number;
  simBlend(lut: number, v0: number, v1: number, v2: number, cw: number, far: number, src: number, out: number, at: number, wts: number, count: number): void;
  simMean(hi: number, lo: number, mean: number, n: number): void;
  simSigma(work: number, spread: number, n: number, hi: number, lo: number): void;
  simWeights(ab: number, W: number, x0: number, y0: number, w: number, h: number, hi: number, lo: number, at: number, wHi: number, wLo: number): number;
  simCells(src: number, n: number, size: number, v0: number, v1: number, v2: number, w: number): void;
  markNodes(at: number, wHi: number, wLo: number, count: number, hv0: number, hv1: number, hv2: number, lv0: number, lv1: number, lv2: number, far: number, read: number, total: number, nodes: number): number;
  operatorNodes(c: number, op: number, lin: number, size: number, nodes: number, count: number, out: number, x4: boolean | number): void;
  regionSums(data: number, labels: number, width: number, rows: number, next: number, out: number): void;
  guideImage(rgb: number, n: number, guide: number): void;
  guideProducts(guide: number, n: number, part: number, src: number): void;
  guideStats(m0: number, m1: number, m2: number, n: number, eps: number, mean: number, inv: number): void;
  featherInput(labels: number, guide: number, W: number, x0: number, y0: number, w: number, h: number, id: number, src: number): void;
  featherLinear(box: number, mean: number, inv: number, W: number, x0: number, y0: number, w: number, h: number, out: number): void;
  featherSnap(ab: number, n: number): void;
  applyRow(row: number, modes: number, reach: number, starts: number, cells: number, recs: number, nR: number, lat: number, sR: number, sG: number, gx: number, regs: number, coef: number): void;
}

const PAGE = 65536;

/** One thread's instance: its exports and typed views on its memory (renewed when the memory grows). */
export class Kernels {
  readonly k: KernelExports;
  /** The first address free for operands: the module's static data (math tables) lies below it. */
  readonly base: number;
  private readonly memory: WasmMemory;
  u8!: Uint8Array;
  i32!: Int32Array;
  f32!: Float32Array;
  f64!: Float64Array;

  constructor(module: object) {
    const instance = new WebAssembly.Instance(module, {});
    this.k = instance.exports as unknown as KernelExports;
    this.base = Number((instance.exports.heapBase as { value: number | bigint }).value);
    this.memory = instance.exports.memory as WasmMemory;
    this.views();
  }

  /** Makes the memory at least `bytes` long. */
  ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.views();
  }

  private views(): void {
    const b = this.memory.buffer;
    this.u8 = new Uint8Array(b);
    this.i32 = new Int32Array(b);
    this.f32 = new Float32Array(b);
    this.f64 = new Float64Array(b);
  }
}

let compiled: object | null = null;
let instance: Kernels | null = null;

/** A new instance of the kernels, with its own memory (for data that must stay put across calls, see proxy.ts). */
export function newKernels(): Kernels {
  return new Kernels((compiled ??= new WebAssembly.Module(decodeBase64(KERNELS_WASM))));
}

/** Instances handed back by their users, kept with their grown memory for the next user. */
const spare: Kernels[] = [];

/**
 * An instance to keep data in across calls (see simulate.ts), from the spares when there
 * is one: its memory is already grown and touched, and fresh pages cost a fault each.
 */
export function acquireKernels(): Kernels {
  return spare.pop() ?? newKernels();
}

/** Hands an instance from acquireKernels back (its user must not touch it again). */
export function releaseKernels(k: Kernels): void {
  if (spare.length < 4) spare.push(k);
}

/** This thread's shared instance, for operands laid out per call (Scratch). */
export function kernels(): Kernels {
  return (instance ??= newKernels());
}

/**
 * A bump layout of one synchronous call's operands in the kernels' memory (16-byte
 * aligned, for SIMD loads). `take` only reserves; `commit` grows the memory once.
 */
export class Scratch {
  private top: number;

  /** Lays out from `top` (16-aligned; default: the instance's base) up: an instance's owner may keep data below it. */
  constructor(
    readonly kernels: Kernels,
    top = kernels.base,
  ) {
    this.top = Math.ceil(top / 16) * 16;
  }

  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 16) * 16;
    return at;
  }

  /** Grows the memory to hold everything taken so far (views may be renewed: read them after). */
  commit(): Kernels {
    this.kernels.ensure(this.top);
    return this.kernels;
  }
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) to bytes. */
export function decodeBase64(text: string): Uint8Array {
  const value = new Int16Array(128).fill(-1);
  for (let i = 0; i < ALPHABET.length; i++) value[ALPHABET.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, acc = 0, o = 0;
  for (let i = 0; i < clean.length; i++) {
    const v = value[clean.charCodeAt(i)];
    if (v < 0) throw new RangeError('decodeBase64: not base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
