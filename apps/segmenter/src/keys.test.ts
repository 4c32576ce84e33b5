import { describe, expect, it } from 'vitest';
import { canonicalPrompt, engineId, segmentationKeys, sha256Hex } from './keys.js';

describe('keys', () => {
  const hash = sha256Hex('bytes');

  it('lays out a cache entry under the tenant, engine and version', () => {
    const keys = segmentationKeys('acme', { name: 'embedded', version: '1' }, hash);
    expect(keys.segmentation).toBe(`tenants/acme/segmentations/embedded/1/${hash}/segmentation.json`);
    expect(keys.labels).toBe(`tenants/acme/segmentations/embedded/1/${hash}/labels.png`);
    expect(keys.mask({ kind: 'label', word: 'sky' })).toMatch(new RegExp(`^tenants/acme/segmentations/embedded/1/${hash}/masks/[0-9a-f]{32}\\.png$`));
    expect(engineId({ name: 'embedded', version: '1' })).toBe('embedded@1');
    const merged = keys.merged({ kind: 'label', word: 'sky' }, 'boat');
    expect(merged.labels).toMatch(new RegExp(`^tenants/acme/segmentations/embedded/1/${hash}/merged/[0-9a-f]{32}/labels\\.png$`));
    expect(merged.segmentation).toBe(merged.labels.replace(/labels\.png$/, 'segmentation.json'));
    expect(keys.merged({ kind: 'label', word: 'sky' }, 'ship').labels).not.toBe(merged.labels);
  });

  it('keeps odd engine names and versions inside one clean path segment', () => {
    expect(segmentationKeys('acme', { name: 'sam', version: '2/../x y' }, hash).base).toBe(`tenants/acme/segmentations/sam/2_.._x_y/${hash}/`);
    expect(segmentationKeys('acme', { name: '..', version: '' }, hash).base).toBe(`tenants/acme/segmentations/_/_/${hash}/`);
  });

  it('hashes equal prompts equally and different prompts differently', () => {
    expect(canonicalPrompt({ kind: 'point', x: 1, y: 2 })).toBe(canonicalPrompt({ kind: 'point', y: 2, x: 1, positive: true }));
    expect(canonicalPrompt({ kind: 'point', x: 1, y: 2 })).not.toBe(canonicalPrompt({ kind: 'point', x: 1, y: 2, positive: false }));
    expect(canonicalPrompt({ kind: 'box', box: { y1: 4, x1: 3, y0: 0, x0: 0 } })).toBe('{"kind":"box","box":{"x0":0,"y0":0,"x1":3,"y1":4}}');
  });
});
