/**
 * The feature kind of an ONNX scene model's vectors: `onnx:<name>@<12 hex>`, the hex
 * being the start of the model file's SHA-256. Vectors are compared only within a kind,
 * so new weights (or a re-export) under the same name start a new memory instead of
 * being measured against the old model's vectors.
 *
 * Settings that change the vectors of the same file make a different hex: a non-default
 * output name, or an input size chosen by configuration (a model with symbolic H and W).
 * Then the hex is that of SHA-256(`<file sha256 hex>|output=<name>|size=<S>`); with the
 * defaults it is the file's own, so `sha256sum model.onnx | cut -c1-12` confirms the kind.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename, extname } from 'node:path';
import { DEFAULT_SCENE_INPUT_SIZE } from './clip-preprocess.js';
import { DEFAULT_SCENE_MODEL_OUTPUT } from './onnx-scene-layout.js';

export const ONNX_KIND_PREFIX = 'onnx:';
/** A configured model name: what may appear in a kind (libs/memory's kind pattern; contracts' 64-character limit). */
export const SCENE_MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const HASH_CHARS = 12;

/** The model file's SHA-256, hex (streamed: a CLIP ViT-B/32 image encoder is ~350 MB). */
export async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** A kind-safe name from a file path: its basename without extension, odd characters as '-', at most 40 characters. */
export function modelNameOfPath(path: string): string {
  const stem = basename(path, extname(path))
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 40);
  return stem || 'model';
}

export interface KindSettings {
  readonly outputName: string;
  /** The input size when configuration (not the model) fixed it, else undefined. */
  readonly configuredSize: number | undefined;
}

/** `onnx:<name>@<12 hex>` (see the file comment). */
export function sceneModelKind(name: string, fileSha256Hex: string, settings: KindSettings): string {
  if (!SCENE_MODEL_NAME_PATTERN.test(name)) throw new RangeError(`scene model name ${JSON.stringify(name)} must be 1–40 of [A-Za-z0-9._-], starting with a letter or digit`);
  const custom = settings.outputName !== DEFAULT_SCENE_MODEL_OUTPUT || (settings.configuredSize !== undefined && settings.configuredSize !== DEFAULT_SCENE_INPUT_SIZE);
  const hex = custom
    ? createHash('sha256').update(`${fileSha256Hex}|output=${settings.outputName}|size=${settings.configuredSize ?? DEFAULT_SCENE_INPUT_SIZE}`).digest('hex')
    : fileSha256Hex;
  return `${ONNX_KIND_PREFIX}${name}@${hex.slice(0, HASH_CHARS)}`;
}
