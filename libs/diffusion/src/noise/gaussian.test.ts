/**
 * Reference values from Vigna's reference C code (splitmix64.c seeding xoshiro128starstar.c,
 * compiled with gcc), not from this code: seed 42 → state 803958421 3184996902 2993090819
 * 686809907; first words below; Box–Muller pairs computed in C double and cast to float.
 */
import { describe, expect, it } from 'vitest';
import { Xoshiro128StarStar, gaussianNoise } from './gaussian.js';

describe('Xoshiro128StarStar (SplitMix64-seeded)', () => {
  it('matches the reference C implementation', () => {
    const rng = new Xoshiro128StarStar(42);
    expect(Array.from({ length: 6 }, () => rng.nextUint32())).toEqual([1776835114, 4165204688, 17111135, 2317295270, 2792088233, 2554630222]);
    const seven = new Xoshiro128StarStar(7);
    expect([seven.nextUint32(), seven.nextUint32()]).toEqual([1801096769, 1554325924]);
  });

  it('refuses negative, fractional and unsafe seeds', () => {
    for (const seed of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => new Xoshiro128StarStar(seed)).toThrow(RangeError);
  });
});

describe('gaussianNoise', () => {
  it('is Box–Muller on the generator, cos then sin', () => {
    const expected = [1.30474865, -0.250701845, -3.22224617, -0.817355275, -0.768253505, -0.520667672];
    const noise = gaussianNoise(6, 42);
    expected.forEach((e, i) => expect(noise[i]).toBeCloseTo(e, 6));
  });

  it('is the same for the same seed and different for another', () => {
    const a = gaussianNoise(16384, 42);
    expect(gaussianNoise(16384, 42)).toEqual(a);
    const b = gaussianNoise(16384, 43);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same).toBe(0);
  });

  it('is standard normal: mean 0, variance 1, 4th moment 3, over a latent (16 384 values)', () => {
    const noise = gaussianNoise(4 * 64 * 64, 42);
    const n = noise.length;
    let sum = 0, sq = 0, quad = 0;
    for (const v of noise) {
      sum += v;
      sq += v * v;
      quad += v ** 4;
    }
    const mean = sum / n, variance = sq / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(n)); // 4 standard errors
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
    expect(Math.abs(quad / n - 3)).toBeLessThan(0.25);
  });

  it('fills odd lengths', () => {
    expect(gaussianNoise(5, 42)).toEqual(gaussianNoise(6, 42).subarray(0, 5));
  });
});
