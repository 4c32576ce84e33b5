/**
 * Reference values computed independently with NumPy 2.4 (float64), not with this code:
 *
 *   betas = np.linspace(0.00085**0.5, 0.012**0.5, 1000, dtype=np.float64)**2
 *   acp = np.cumprod(1.0 - betas)
 *   timesteps(n) = (np.arange(0, n) * (1000 // n)).round()[::-1] + 1
 *   step: prev = t − 1000 // n; a_p = acp[prev] if prev >= 0 else acp[0]
 *         v:   x0 = √acp[t]·x − √(1−acp[t])·v,  eps = √acp[t]·v + √(1−acp[t])·x
 *         eps: x0 = (x − √(1−acp[t])·e) / √acp[t]
 *         x_prev = √a_p·x0 + √(1−a_p)·eps
 */
import { describe, expect, it } from 'vitest';
import { DdimScheduler, SD21_DDIM_CONFIG, alphasCumprod, betaSchedule, ddimTimesteps } from './ddim.js';

const close = (actual: ArrayLike<number>, expected: readonly number[], digits: number) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
};

describe('SD 2.1 schedule', () => {
  const acp = alphasCumprod(SD21_DDIM_CONFIG);

  it('has the scaled-linear betas from 0.00085 to 0.012', () => {
    const betas = betaSchedule(SD21_DDIM_CONFIG);
    expect(betas[0]).toBeCloseTo(0.00085, 12);
    expect(betas[999]).toBeCloseTo(0.012, 12);
    // Scaled-linear, not linear: the midpoint is the square of the mean square root.
    expect(betas[500]).toBeCloseTo((Math.sqrt(0.00085) + (500 / 999) * (Math.sqrt(0.012) - Math.sqrt(0.00085))) ** 2, 12);
    expect(betas[500]).not.toBeCloseTo((0.00085 + 0.012) / 2, 4);
  });

  it('matches alphas_cumprod at given t', () => {
    const expected: Record<number, number> = {
      0: 0.99915,
      1: 0.9982960278384514,
      20: 0.981314362200552,
      499: 0.27766965045646763,
      981: 0.005775500139495751,
      999: 0.004660098513077238,
    };
    for (const [t, value] of Object.entries(expected)) expect(acp[Number(t)]).toBeCloseTo(value, 14);
  });
});

describe('ddimTimesteps (leading spacing, steps_offset 1)', () => {
  it('50 steps: 981, 961, …, 21, 1', () => {
    expect(ddimTimesteps(50)).toEqual(Array.from({ length: 50 }, (_, i) => 981 - 20 * i));
  });
  it('20 steps: 951, 901, …, 51, 1', () => {
    expect(ddimTimesteps(20)).toEqual([951, 901, 851, 801, 751, 701, 651, 601, 551, 501, 451, 401, 351, 301, 251, 201, 151, 101, 51, 1]);
  });
  it('a count that does not divide 1000 (30: ratio 33)', () => {
    const t = ddimTimesteps(30);
    expect(t.slice(0, 3)).toEqual([958, 925, 892]);
    expect(t.slice(-3)).toEqual([67, 34, 1]);
  });
  it('refuses 0, fractions and more than 1000 steps', () => {
    for (const steps of [0, 2.5, 1001, Number.NaN]) expect(() => ddimTimesteps(steps)).toThrow(RangeError);
  });
});

describe('DdimScheduler.step', () => {
  const sample = Float32Array.from([0.5, -1.0, 2.0, 0.0]);
  const output = Float32Array.from([0.1, 0.2, -0.3, 1.0]);

  it('v-prediction, first of 50 steps (981 → 961)', () => {
    const scheduler = new DdimScheduler(50);
    expect(scheduler.previousTimestep(981)).toBe(961);
    close(scheduler.step(output, 981, sample), [0.49904139081606635, -1.0018294804912526, 2.002722286267725, -0.009366747147799517], 6);
  });

  it('v-prediction, last of 50 steps (1 → ᾱ_0, set_alpha_to_one false)', () => {
    const scheduler = new DdimScheduler(50);
    expect(scheduler.alphaCumprod(scheduler.previousTimestep(1))).toBeCloseTo(0.99915, 14);
    close(scheduler.step(output, 1, sample), [0.498750029775733, -1.0023527558963623, 2.0034923377065006, -0.012131740862240923], 6);
  });

  it('v-prediction, first of 20 steps (951 → 901)', () => {
    close(new DdimScheduler(20).step(output, 951, sample), [0.4969824871933317, -1.005240288310925, 2.0076617481407846, -0.02818828481065376], 6);
  });

  it('ε-prediction (SD 1.x) uses the other parameterisation', () => {
    const scheduler = new DdimScheduler(50, { ...SD21_DDIM_CONFIG, predictionType: 'epsilon' });
    close(scheduler.step(output, 981, sample), [0.5491006498526978, -1.1475021022195409, 2.282679003810545, -0.12325200628536326], 5);
  });

  it('with an exact v-prediction of a fixed x0, 50 steps from pure noise land on x0 (up to √(1−ᾱ_0) of the noise)', () => {
    const scheduler = new DdimScheduler(50);
    const x0 = Float32Array.from([0.3, -0.7, 1.2, 0]);
    const noise = Float32Array.from([1, -1, 0.5, 2]);
    let x: Float32Array = Float32Array.from(noise);
    for (const t of scheduler.timesteps) {
      const a = Math.sqrt(scheduler.alphaCumprod(t)), s = Math.sqrt(1 - scheduler.alphaCumprod(t));
      const v = x.map((xi, i) => (a * xi - x0[i]) / s); // v = (√ᾱ·x_t − x0) / √(1−ᾱ)
      x = scheduler.step(v, t, x);
    }
    const sPrev = Math.sqrt(1 - 0.99915), aPrev = Math.sqrt(0.99915);
    // The noise estimate stays (x_T − √ᾱ_T·x0)/√(1−ᾱ_T) ≈ the noise; the last step keeps √(1−ᾱ_0) of it.
    x0.forEach((v, i) => expect(Math.abs(x[i] - aPrev * v)).toBeLessThan(sPrev * Math.abs(noise[i]) * 1.2 + 1e-3));
    x0.forEach((v, i) => expect(Math.abs(x[i] - v)).toBeLessThan(0.07));
  });

  it('refuses mismatched lengths', () => {
    expect(() => new DdimScheduler(4).step(new Float32Array(3), 751, new Float32Array(4))).toThrow(RangeError);
  });
});
