/**
 * A quick, synchronous look at a model-set directory for start-up decisions (is the
 * diffusion engine worth registering?): the manifest parses and every file of at least
 * one precision variant, and the embedding, are there. Loading the sessions
 * (loadModelSet) is what really validates the models.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseManifest, type ModelSetManifest } from '../model-set/manifest.js';
import { MANIFEST_FILE, MODEL_FILES, type Precision } from '../model-set/spec.js';

export type ModelSetInspection =
  | { readonly ok: true; readonly manifest: ModelSetManifest; readonly completePrecisions: readonly Precision[] }
  | { readonly ok: false; readonly reason: string };

export function inspectModelSetDirectory(dir: string): ModelSetInspection {
  const manifestPath = join(dir, MANIFEST_FILE);
  let manifest: ModelSetManifest;
  try {
    manifest = parseManifest(JSON.parse(readFileSync(manifestPath, 'utf8')));
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { ok: false, reason: missing ? `no ${MANIFEST_FILE} in ${dir}` : `${manifestPath}: ${(error as Error).message}` };
  }
  if (!existsSync(join(dir, manifest.emptyPromptEmbedding))) return { ok: false, reason: `the empty-prompt embedding ${manifest.emptyPromptEmbedding} is missing in ${dir}` };
  const completePrecisions = manifest.precisions.filter((p) => Object.values(MODEL_FILES).every((file) => existsSync(join(dir, p, file))));
  if (completePrecisions.length === 0) {
    return { ok: false, reason: `no complete precision variant in ${dir}: each of ${manifest.precisions.map((p) => `${p}/`).join(', ')} needs ${Object.values(MODEL_FILES).join(', ')}` };
  }
  return { ok: true, manifest, completePrecisions };
}
