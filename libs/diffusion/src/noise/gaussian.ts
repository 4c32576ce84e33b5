/**
 * Seeded Gaussian noise for the initial latent, so the same job (same image, map, step
 * count and seed) renders the same image.
 *
 * The generator, documented so that any language can reproduce it:
 * 1. the seed (an integer 0 … 2^53 − 1) seeds SplitMix64 (Steele, Lea & Flood 2014;
 *    Vigna's reference splitmix64.c); its first two outputs, low 32 bits then high 32
 *    bits of each, are the state s[0..3] of
 * 2. xoshiro128** 1.1 (Blackman & Vigna 2018, reference xoshiro128starstar.c), which
 *    gives 32-bit words w; each becomes a uniform u = (w + 0.5) / 2^32 in (0, 1);
 * 3. consecutive pairs (u1, u2) become two standard normals by the Box–Muller transform
 *    (Box & Muller 1958): √(−2 ln u1) · cos(2π u2), then √(−2 ln u1) · sin(2π u2),
 *    in float64, stored as float32, in that order, filling the latent in NCHW order.
 *
 * The original PerTouch code draws `torch.randn((1, 4, 64, 64), generator=cuda
 * generator seeded 42)` (Philox on the GPU, torch's own normal transform and thread
 * layout): that sequence cannot be reproduced bit for bit outside PyTorch, so seed 42
 * here is a different, equally distributed, noise. Renders are deterministic per seed
 * and provider, not identical to the original's.
 */

const MASK64 = (1n << 64n) - 1n;

/** SplitMix64's next output from state `x` (returns [output, next state]). */
function splitMix64(x: bigint): [bigint, bigint] {
  const next = (x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [z ^ (z >> 31n), next];
}

const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** xoshiro128** with a SplitMix64-expanded seed. */
export class Xoshiro128StarStar {
  private readonly s: Uint32Array;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`the seed must be an integer from 0 to 2^53 − 1 (got ${seed})`);
    const [a, x1] = splitMix64(BigInt(seed));
    const [b] = splitMix64(x1);
    this.s = Uint32Array.from([Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n)]);
  }

  /** The next 32-bit word. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1] << 9) >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** A uniform in the open interval (0, 1): (w + 0.5) / 2^32. */
  nextUniform(): number {
    return (this.nextUint32() + 0.5) / 4294967296;
  }
}

/** `count` standard normals from `seed` (see the file comment for the exact recipe). */
export function gaussianNoise(count: number, seed: number): Float32Array {
  const rng = new Xoshiro128StarStar(seed);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(rng.nextUniform()));
    const angle = 2 * Math.PI * rng.nextUniform();
    out[i] = radius * Math.cos(angle);
    if (i + 1 < count) out[i + 1] = radius * Math.sin(angle);
  }
  return out;
}

/** The original PerTouch code's seed (torch.Generator().manual_seed(42)); used by default. */
export const DEFAULT_SEED = 42;
