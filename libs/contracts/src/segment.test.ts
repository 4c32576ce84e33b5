import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEGMENT_JOB_OPTIONS,
  PromptSchema,
  QUEUE_NAMES,
  SegmentJobSchema,
  SegmentResultSchema,
  SegmentationDocumentSchema,
  TenantIdSchema,
  isTenantKey,
  tenantPrefix,
} from './index.js';

const job = { tenantId: 'acme', imageId: 'img-1', imageKey: 'tenants/acme/uploads/img-1.jpg' };

describe('QUEUE_NAMES', () => {
  it('names every queue once', () => {
    expect(QUEUE_NAMES).toEqual({ segment: 'segment', render: 'render', agent: 'agent', webhook: 'webhook' });
  });
});

describe('SegmentJobSchema', () => {
  it('accepts a minimal job and every prompt kind', () => {
    expect(SegmentJobSchema.parse(job)).toEqual(job);
    for (const prompt of [
      { kind: 'point', x: 3, y: 4 },
      { kind: 'point', x: 3, y: 4, positive: false },
      { kind: 'points', points: [{ x: 1, y: 2, positive: true }, { x: 5, y: 6, positive: false }] },
      { kind: 'box', box: { x0: 0, y0: 0, x1: 10, y1: 5 } },
      { kind: 'label', word: 'sky' },
    ]) {
      expect(SegmentJobSchema.parse({ ...job, engine: 'embedded', prompt }).prompt).toEqual(prompt);
    }
  });

  it('accepts points outside the image (the engine reports prompt_outside_image)', () => {
    expect(SegmentJobSchema.safeParse({ ...job, prompt: { kind: 'point', x: -5, y: 1e6 } }).success).toBe(true);
  });

  it.each([
    ['a tenant id with a slash', { ...job, tenantId: 'acme/other' }],
    ['an upper-case tenant id', { ...job, tenantId: 'Acme' }],
    ['an empty tenant id', { ...job, tenantId: '' }],
    ['a tenant id ending in a hyphen', { ...job, tenantId: 'acme-' }],
    ['an image id with a slash', { ...job, imageId: 'a/b' }],
    ['an image key of another tenant', { ...job, imageKey: 'tenants/other/uploads/x.jpg' }],
    ['an image key with ..', { ...job, imageKey: 'tenants/acme/../other/x.jpg' }],
    ['an image key that is only the prefix', { ...job, imageKey: 'tenants/acme/' }],
    ['an image key with an empty segment', { ...job, imageKey: 'tenants/acme//x.jpg' }],
    ['an image key sharing a prefix with another tenant', { ...job, imageKey: 'tenants/acme-evil/x.jpg', tenantId: 'acme' }],
    ['an unknown engine', { ...job, engine: 'magic' }],
    ['an unknown prompt kind', { ...job, prompt: { kind: 'lasso' } }],
    ['a non-finite coordinate', { ...job, prompt: { kind: 'point', x: Number.NaN, y: 0 } }],
    ['an empty box', { ...job, prompt: { kind: 'box', box: { x0: 5, y0: 0, x1: 5, y1: 4 } } }],
    ['no points', { ...job, prompt: { kind: 'points', points: [] } }],
    ['a blank label', { ...job, prompt: { kind: 'label', word: '  ' } }],
    ['a missing imageKey', { tenantId: 'acme', imageId: 'x' }],
    ['not an object', 'tenants/acme/x.jpg'],
  ])('rejects %s', (_what, payload) => {
    expect(SegmentJobSchema.safeParse(payload).success).toBe(false);
  });

  it('says which field is wrong', () => {
    const result = SegmentJobSchema.safeParse({ ...job, imageKey: 'tenants/other/x.jpg' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['imageKey']);
    expect(result.error?.issues[0].message).toMatch(/tenants\/acme\//);
  });
});

describe('tenancy', () => {
  it('prefixes keys by tenant and refuses keys outside it', () => {
    expect(tenantPrefix('acme')).toBe('tenants/acme/');
    expect(isTenantKey('acme', 'tenants/acme/a/b.png')).toBe(true);
    expect(isTenantKey('acme', 'tenants/acmex/a.png')).toBe(false);
    expect(isTenantKey('acme', 'tenants/acme/a\\b.png')).toBe(false);
    expect(isTenantKey('acme', 'tenants/acme/./a.png')).toBe(false);
    expect(isTenantKey('acme', `tenants/acme/${'x'.repeat(1020)}`)).toBe(false);
    expect(TenantIdSchema.safeParse('a'.repeat(63)).success).toBe(true);
    expect(TenantIdSchema.safeParse('a'.repeat(64)).success).toBe(false);
    expect(TenantIdSchema.safeParse('a--b').success).toBe(false);
  });
});

describe('PromptSchema', () => {
  it('is a discriminated union on kind', () => {
    expect(PromptSchema.parse({ kind: 'label', word: ' sky ' })).toEqual({ kind: 'label', word: 'sky' });
  });
});

describe('SegmentResultSchema and SegmentationDocumentSchema', () => {
  const hash = 'a'.repeat(64);
  it('round-trip a result', () => {
    const result = {
      segmentationKey: `tenants/acme/segmentations/embedded@1/${hash}/segmentation.json`,
      labelsKey: `tenants/acme/segmentations/embedded@1/${hash}/labels.png`,
      engine: 'embedded@1',
      cached: false,
      contentHash: hash,
      width: 4,
      height: 2,
      regionCount: 2,
    };
    expect(SegmentResultSchema.parse(result)).toEqual(result);
    expect(SegmentResultSchema.safeParse({ ...result, contentHash: 'xyz' }).success).toBe(false);
  });

  it('validates a stored document', () => {
    const doc = {
      format: 1,
      width: 4,
      height: 2,
      engine: 'embedded@1',
      contentHash: hash,
      labelsKey: 'tenants/acme/x/labels.png',
      regions: [{ id: 0, area: 8, bbox: { x0: 0, y0: 0, x1: 4, y1: 2 }, centroid: { x: 2, y: 1 }, label: 'sky', confidence: 0.9, engine: 'embedded' }],
      unavailable: ['face'],
    };
    expect(SegmentationDocumentSchema.parse(doc)).toEqual(doc);
    expect(SegmentationDocumentSchema.safeParse({ ...doc, format: 2 }).success).toBe(false);
  });
});

describe('DEFAULT_SEGMENT_JOB_OPTIONS', () => {
  it('retries transient failures with exponential backoff', () => {
    expect(DEFAULT_SEGMENT_JOB_OPTIONS.attempts).toBe(3);
    expect(DEFAULT_SEGMENT_JOB_OPTIONS.backoff).toEqual({ type: 'exponential', delay: 1000 });
  });
});
