import { describe, expect, it } from 'vitest';
import { SegmentationError } from './errors.js';
import type { RegionInfo } from './types.js';
import { canonicalTerm, labelMatches, lineage, resolveLabel, singulars } from './vocabulary.js';

const region = (id: number, label: string): RegionInfo => ({ id, label, area: 1, bbox: { x0: 0, y0: 0, x1: 1, y1: 1 }, centroid: { x: 0, y: 0 }, confidence: 1, engine: 'test' });

describe('vocabulary', () => {
  it('maps words, plurals, synonyms and determiners to canonical terms', () => {
    expect(canonicalTerm('the trees')).toBe('vegetation');
    expect(canonicalTerm('Skies')).toBe('sky');
    expect(canonicalTerm('leaves')).toBe('vegetation');
    expect(canonicalTerm('her face')).toBe('face');
    expect(canonicalTerm("the man's face")).toBe('face');
    expect(canonicalTerm('eagle')).toBe('bird');
    expect(canonicalTerm('the eagles')).toBe('bird');
    expect(canonicalTerm('wine glasses')).toBe('wine glass');
    expect(canonicalTerm('the shadows')).toBe('shadows');
    expect(canonicalTerm('flibbertigibbet')).toBeUndefined();
    expect(singulars('skies')).toContain('sky');
  });

  it('knows COCO supercategories: eagle → bird → animal', () => {
    expect(lineage('bird')).toEqual(['bird', 'animal']);
    expect(lineage('cloud')).toEqual(['cloud', 'sky']);
    expect(labelMatches('bird', 'animal')).toBe(true);
    expect(labelMatches('animal', 'bird')).toBe(true);
    expect(labelMatches('dog', 'bird')).toBe(false);
    expect(labelMatches('face', 'person')).toBe(true);
  });

  it('resolves words to region ids', () => {
    const seg = { regions: [region(0, 'sky'), region(1, 'cloud'), region(2, 'bird'), region(3, 'vegetation'), region(4, 'subject')] };
    expect(resolveLabel(seg, 'the sky')).toEqual([0, 1]);
    expect(resolveLabel(seg, 'the eagle')).toEqual([2]);
    expect(resolveLabel(seg, 'animals')).toEqual([2]);
    expect(resolveLabel(seg, 'the trees')).toEqual([3]);
    expect(resolveLabel(seg, 'water')).toEqual([]);
    // A thing word with no matching region falls back to the salient subject.
    expect(resolveLabel(seg, 'the car')).toEqual([4]);
    expect(() => resolveLabel(seg, 'flibbertigibbet')).toThrow(SegmentationError);
  });
});
