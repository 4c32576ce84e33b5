import { createHash } from 'node:crypto';
import { tenantPrefix, type SegmentPrompt } from '@pertouch/contracts';

/** sha256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** "embedded@1" — the engine identity that keys the cache. */
export function engineId(engine: { readonly name: string; readonly version: string }): string {
  return `${engine.name}@${engine.version}`;
}

/**
 * A prompt in one canonical form (fixed key order, defaults filled in), so equal prompts
 * hash equally however the producer spelled them.
 */
export function canonicalPrompt(prompt: SegmentPrompt): string {
  switch (prompt.kind) {
    case 'point':
      return JSON.stringify({ kind: 'point', x: prompt.x, y: prompt.y, positive: prompt.positive ?? true });
    case 'points':
      return JSON.stringify({ kind: 'points', points: prompt.points.map((p) => ({ x: p.x, y: p.y, positive: p.positive })) });
    case 'box':
      return JSON.stringify({ kind: 'box', box: { x0: prompt.box.x0, y0: prompt.box.y0, x1: prompt.box.x1, y1: prompt.box.y1 } });
    case 'label':
      return JSON.stringify({ kind: 'label', word: prompt.word });
  }
}

export interface SegmentationKeys {
  /** Common prefix of one (tenant, engine version, content) cache entry. */
  readonly base: string;
  readonly segmentation: string;
  readonly labels: string;
  mask(prompt: SegmentPrompt): string;
  /** The automatic segmentation (or the merge at `onto`) with a prompt's mask merged in as region `label`. */
  merged(prompt: SegmentPrompt, label: string, onto?: string): { readonly labels: string; readonly segmentation: string };
}

/**
 * Object keys of a cached segmentation:
 *
 *     tenants/{tenantId}/segmentations/{engine}/{version}/{sha256}/segmentation.json
 *                                                                 /labels.png
 *                                                                 /masks/{promptHash}.png
 *                                                                 /merged/{mergeHash}/labels.png
 *                                                                 /merged/{mergeHash}/segmentation.json
 *
 * (mergeHash: sha256 of the canonical prompt, the label and the merge it builds on (if
 * any) together, so the same box merged under two names, or onto two bases, gives two
 * entries.)
 *
 * (engine name and version reduced to [A-Za-z0-9._-], other characters as '_': S3 keys
 * stay free of characters that need URL-encoding.)
 *
 * The cache is per tenant: the same photo uploaded by two tenants is segmented twice
 * and stored twice, so no tenant can learn anything about another's uploads (not even
 * that a given photo exists elsewhere, which a shared content-addressed cache would
 * reveal through timing or a `cached: true`).
 */
export function segmentationKeys(tenantId: string, engine: { readonly name: string; readonly version: string }, contentHash: string): SegmentationKeys {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+$/, '_') || '_';
  const base = `${tenantPrefix(tenantId)}segmentations/${safe(engine.name)}/${safe(engine.version)}/${contentHash}/`;
  return {
    base,
    segmentation: `${base}segmentation.json`,
    labels: `${base}labels.png`,
    mask: (prompt) => `${base}masks/${sha256Hex(canonicalPrompt(prompt)).slice(0, 32)}.png`,
    merged: (prompt, label, onto) => {
      // A JSON array keeps prompt, label and base apart (no concatenation collisions); the
      // automatic base adds nothing, so its keys are those of a merge without `onto`.
      const parts = onto === undefined ? [canonicalPrompt(prompt), label] : [canonicalPrompt(prompt), label, onto];
      const dir = `${base}merged/${sha256Hex(JSON.stringify(parts)).slice(0, 32)}/`;
      return { labels: `${dir}labels.png`, segmentation: `${dir}segmentation.json` };
    },
  };
}
