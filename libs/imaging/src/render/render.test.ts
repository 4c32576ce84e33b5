import { describe, expect, it } from 'vitest';
import { prepareImage } from '../analysis.js';
import { DEFAULT_CALIBRATION as table } from '../calibration/default.js';
import { ATTRIBUTES, type Attribute, type RgbImage, type Segmentation } from '../image.js';
import { mulberry32 } from '../segment/clusters.js';
import { distanceToRegion } from '../segment/distance.js';
import { resampleLabelsNearest } from '../resample.js';
import { loadSample, loadSampleMask } from '../testing/fixtures.js';
import { render } from './render.js';

/** Targets = as-shot + U(−0.4, 0.4), clamped to [−0.8, 0.8], as the accuracy benchmark draws them. */
function randomMap(image: RgbImage, seg: Segmentation | undefined, seed: number) {
  const rand = mulberry32(seed);
  return {
    regions: prepareImage(image, seg, table).regions.map((r) => ({
      id: r.id,
      values: Object.fromEntries(ATTRIBUTES.map((a) => [a, Math.max(-0.8, Math.min(0.8, r.values[a] + 0.4 * (2 * rand() - 1)))])),
    })),
  };
}

describe('control accuracy (subset of the benchmark)', () => {
  it('achieved within 0.03 of the target for ≥ 95 % of (region, attribute) pairs not flagged clipped', async () => {
    const errors: number[] = [];
    let pairs = 0;
    for (const [name, seed] of [
      ['sunset_by_Aitzol_Berasategi.jpg', 11],
      ['life_by_Aitzol_Berasategi.jpg', 12],
      ['Wine_by_Jakkub_Mede.jpg', 13],
    ] as const) {
      const image = await loadSample(name, 900);
      const mask = await loadSampleMask(name);
      for (const seg of [undefined, mask]) {
        const { report } = render(image, seg, randomMap(image, seg, seed), table);
        for (const r of report.regions) {
          for (const a of ATTRIBUTES) {
            pairs++;
            if (!r.clipped[a]) errors.push(Math.abs(r.achieved[a] - r.target[a]));
          }
        }
      }
    }
    expect(pairs).toBe(36);
    // Most targets are reachable, and those the renderer claims to reach, it reaches.
    expect(errors.length).toBeGreaterThanOrEqual(27);
    expect(errors.filter((e) => e <= 0.03).length / errors.length).toBeGreaterThanOrEqual(0.95);
  });
});

describe('monotonicity', () => {
  it.each(ATTRIBUTES)('achieved %s rises strictly with its target', async (attribute: Attribute) => {
    const image = await loadSample('picosdeeuropa_by_Aitzol_Berasategi.jpg', 640);
    const achieved: number[] = [];
    for (const target of [-0.6, -0.3, 0, 0.3, 0.6]) {
      const { report } = render(image, undefined, { regions: [], global: { [attribute]: target } }, table);
      achieved.push(report.regions[0].achieved[attribute]);
    }
    for (let i = 1; i < achieved.length; i++) expect(achieved[i]).toBeGreaterThan(achieved[i - 1]);
  });
});

describe('locality', () => {
  it('pixels further than 2 % of the diagonal outside an edited region barely change', async () => {
    const name = 'aitzgorri_by_Aitzol_Berasategi.jpg';
    const image = await loadSample(name, 1600);
    const mask = await loadSampleMask(name);
    const asShot = prepareImage(image, mask, table).regions.find((r) => r.id === 1);
    if (!asShot) throw new Error('mask has no region 1');
    const { image: out } = render(image, mask, { regions: [{ id: 1, values: { brightness: asShot.values.brightness + 0.4, colorfulness: asShot.values.colorfulness - 0.3 } }] }, table);
    // The mask at full resolution (nearest), and each pixel's distance to region 1.
    const { width: W, height: H } = image;
    const full = resampleLabelsNearest(mask, W, H);
    const dist = distanceToRegion(full, W, H, 1);
    const far = 0.02 * Math.hypot(W, H);
    const diffs: number[] = [];
    for (let i = 0; i < W * H; i++) {
      if (dist[i] <= far) continue;
      for (let c = 0; c < 3; c++) diffs.push(Math.abs(out.data[3 * i + c] - image.data[3 * i + c]));
    }
    expect(diffs.length).toBeGreaterThan(W * H * 0.1);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    diffs.sort((a, b) => a - b);
    expect(mean).toBeLessThanOrEqual(1);
    expect(diffs[Math.floor(diffs.length * 0.99)]).toBeLessThanOrEqual(3);
    // And the edit did happen inside the region.
    let inside = 0, n = 0;
    for (let i = 0; i < W * H; i++) if (full[i] === 1) { inside += out.data[3 * i + 1] - image.data[3 * i + 1]; n++; }
    expect(inside / n).toBeGreaterThan(5);
  });

  it('a map equal to the as-shot values leaves every pixel bit-identical', async () => {
    const image = await loadSample('skimage_coffee.png', 600);
    const mask = await loadSampleMask('skimage_coffee.png');
    const regions = prepareImage(image, mask, table).regions.map((r) => ({ id: r.id, values: r.values }));
    const { image: out, report } = render(image, mask, { regions }, table);
    expect(Buffer.compare(Buffer.from(out.data.buffer), Buffer.from(image.data.buffer))).toBe(0);
    expect(report.regions.every((r) => !r.edited)).toBe(true);
  });
});

describe('bit depth', () => {
  it('16-bit input keeps 16-bit precision through to a 16-bit output', () => {
    // A smooth 16-bit ramp: 8-bit processing anywhere would collapse it to ≤ 256 levels.
    const W = 2048, H = 8;
    const data = new Uint16Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const v = Math.round(8000 + (x / (W - 1)) * 40000);
      data.set([v, Math.round(v * 0.9), Math.round(v * 0.8)], 3 * (y * W + x));
    }
    const { image: out } = render({ width: W, height: H, data }, undefined, { regions: [], global: { brightness: 0.2, contrast: 0.1 } }, table);
    expect(out.data).toBeInstanceOf(Uint16Array);
    const levels = new Set<number>();
    for (let x = 0; x < W; x++) levels.add(out.data[3 * x + 1]);
    expect(levels.size).toBeGreaterThan(1500);
    // Still monotone along the ramp.
    for (let x = 1; x < W; x++) expect(out.data[3 * x + 1]).toBeGreaterThanOrEqual(out.data[3 * (x - 1) + 1]);
  });
});

describe('highlight protection', () => {
  const spread = (d: ArrayLike<number>, i: number) => Math.max(d[3 * i], d[3 * i + 1], d[3 * i + 2]) - Math.min(d[3 * i], d[3 * i + 1], d[3 * i + 2]);

  it('a white patch in a region under a cooler target stays neutral', () => {
    // A blue-grey gradient with a pure white patch; the whole image is one region.
    const W = 96, H = 64;
    const data = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const white = x >= 30 && x < 60 && y >= 20 && y < 44;
      const v = Math.round(60 + (x / (W - 1)) * 140);
      data.set(white ? [255, 255, 255] : [v, Math.round(v * 0.95), Math.round(v * 0.85)], 3 * (y * W + x));
    }
    const image = { width: W, height: H, data };
    const asShot = prepareImage(image, undefined, table).regions[0].values;
    const { image: out, report } = render(image, undefined, { regions: [], global: { temperature: asShot.temperature - 0.3 } }, table);
    expect(report.regions[0].achieved.temperature).toBeLessThan(asShot.temperature - 0.2); // it did cool
    for (let y = 20; y < 44; y++) for (let x = 30; x < 60; x++) {
      const i = y * W + x;
      expect(spread(out.data, i)).toBeLessThanOrEqual(1);
      expect(out.data[3 * i]).toBeGreaterThanOrEqual(254);
    }
  });

  it('brightening a sky + clouds + snow region does not turn its whites cyan (picosdeeuropa)', async () => {
    // The reproduction: the cooling that holds the region's temperature while it is
    // brightened used to send (255, 255, 255) to (227, 255, 255).
    const image = await loadSample('picosdeeuropa_by_Aitzol_Berasategi.jpg', 1024);
    const { width: W, height: H, data } = image;
    const labels = new Uint8Array(W * H);
    for (let i = 0; i < W * H; i++) {
      const r = data[3 * i], g = data[3 * i + 1], b = data[3 * i + 2];
      const bright = Math.min(r, g, b) > 180 && Math.max(r, g, b) - Math.min(r, g, b) < 40;
      const blue = b > r + 30 && b > g + 10;
      labels[i] = Math.floor(i / W) < 0.72 * H && (bright || blue) ? 0 : 1;
    }
    const seg = { width: W, height: H, labels };
    const asShot = prepareImage(image, seg, table).regions.find((r) => r.id === 0);
    if (!asShot) throw new Error('no region 0');
    const { image: out, report } = render(image, seg, { regions: [{ id: 0, values: { brightness: asShot.values.brightness + 0.11 } }] }, table);
    const r0 = report.regions.find((r) => r.id === 0);
    expect(Math.abs((r0?.achieved.brightness ?? 0) - (asShot.values.brightness + 0.11))).toBeLessThan(0.03);
    expect(Math.abs((r0?.achieved.temperature ?? 0) - asShot.values.temperature)).toBeLessThan(0.03);
    let whites = 0, neutral = 0, cyan = 0;
    for (let i = 0; i < W * H; i++) {
      if (labels[i] !== 0 || Math.min(data[3 * i], data[3 * i + 1], data[3 * i + 2]) < 253) continue;
      whites++;
      if (spread(out.data, i) <= 1) neutral++;
      if (Math.min(out.data[3 * i + 1], out.data[3 * i + 2]) - out.data[3 * i] > 8) cyan++;
    }
    expect(whites).toBeGreaterThan(1000);
    expect(cyan).toBe(0);
    expect(neutral / whites).toBeGreaterThan(0.9);
  });
});

describe('degenerate input', () => {
  it('tiny images and one-pixel regions render without NaN', () => {
    const image = { width: 3, height: 2, data: Uint8Array.from([10, 20, 30, 200, 100, 50, 90, 90, 90, 250, 250, 250, 0, 0, 0, 128, 64, 32]) };
    const seg = { width: 3, height: 2, labels: Uint8Array.from([0, 1, 1, 2, 2, 2]) };
    const { image: out, report } = render(image, seg, { regions: [], global: { brightness: 0.3 } }, table);
    expect(out.data).toHaveLength(18);
    for (const r of report.regions) for (const a of ATTRIBUTES) expect(Number.isNaN(r.achieved[a])).toBe(false);
  });
});
