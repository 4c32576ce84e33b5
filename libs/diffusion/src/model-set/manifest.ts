/**
 * `model-set.json`, the manifest at the root of a model-set directory (written by
 * tools/export/export_pertouch_onnx.py and scripts/onnx/diffusion-test-models.mjs):
 *
 * {
 *   "format": "pertouch-diffusion-model-set", "version": 1, "name": "…",
 *   "precisions": ["fp32", "fp16"],                 // the variant folders present
 *   "emptyPromptEmbedding": "empty_prompt_embedding.npy",
 *   "vaeScalingFactor": 0.18215,
 *   "scheduler": { "type": "ddim", "numTrainTimesteps": 1000, "betaStart": 0.00085, "betaEnd": 0.012,
 *                  "betaSchedule": "scaled_linear", "stepsOffset": 1, "setAlphaToOne": false,
 *                  "predictionType": "v_prediction", "timestepSpacing": "leading" },
 *   "verification": { … }                           // optional: the export's ONNX-vs-PyTorch check
 * }
 */
import { DiffusionError } from '../errors.js';
import type { DdimConfig } from '../scheduler/ddim.js';
import { MANIFEST_FILE, PRECISIONS, type Precision } from './spec.js';

export const MANIFEST_FORMAT = 'pertouch-diffusion-model-set';
export const MANIFEST_VERSION = 1;

export interface ModelSetManifest {
  readonly name: string;
  readonly precisions: readonly Precision[];
  /** Path of the empty-prompt embedding, relative to the model-set directory. */
  readonly emptyPromptEmbedding: string;
  readonly vaeScalingFactor: number;
  readonly scheduler: DdimConfig;
  /** Whatever the export recorded about its ONNX-vs-PyTorch check (shown, not interpreted). */
  readonly verification?: unknown;
}

type Json = Record<string, unknown>;

/** Validates a parsed manifest; throws 'model_invalid' naming the first bad field. */
export function parseManifest(value: unknown): ModelSetManifest {
  const bad = (field: string, expected: string): never => {
    throw new DiffusionError('model_invalid', `${MANIFEST_FILE}: ${field} must be ${expected}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('the document', 'a JSON object');
  const m = value as Json;
  if (m.format !== MANIFEST_FORMAT) bad('format', JSON.stringify(MANIFEST_FORMAT));
  if (m.version !== MANIFEST_VERSION) bad('version', String(MANIFEST_VERSION));
  const name = typeof m.name === 'string' && m.name.length > 0 ? m.name : bad('name', 'a non-empty string');
  const precisions = Array.isArray(m.precisions) && m.precisions.length > 0 && m.precisions.every((p) => (PRECISIONS as readonly unknown[]).includes(p))
    ? (m.precisions as Precision[])
    : bad('precisions', `a non-empty list of ${PRECISIONS.join(', ')}`);
  const embedding = typeof m.emptyPromptEmbedding === 'string' && /^[\w.-]+(\/[\w.-]+)*$/.test(m.emptyPromptEmbedding) && !m.emptyPromptEmbedding.split('/').includes('..')
    ? m.emptyPromptEmbedding
    : bad('emptyPromptEmbedding', 'a relative path inside the model set');
  const scaling = typeof m.vaeScalingFactor === 'number' && m.vaeScalingFactor > 0 && Number.isFinite(m.vaeScalingFactor) ? m.vaeScalingFactor : bad('vaeScalingFactor', 'a positive number');
  return { name, precisions, emptyPromptEmbedding: embedding, vaeScalingFactor: scaling, scheduler: parseScheduler(m.scheduler, bad), ...(m.verification !== undefined ? { verification: m.verification } : {}) };
}

function parseScheduler(value: unknown, bad: (field: string, expected: string) => never): DdimConfig {
  if (typeof value !== 'object' || value === null) return bad('scheduler', 'an object');
  const s = value as Json;
  if (s.type !== 'ddim') bad('scheduler.type', '"ddim" (the pipeline implements DDIM only)');
  const positiveInt = (k: string) => (typeof s[k] === 'number' && Number.isInteger(s[k]) && (s[k] as number) > 0 ? (s[k] as number) : bad(`scheduler.${k}`, 'a positive integer'));
  const beta = (k: string) => (typeof s[k] === 'number' && (s[k] as number) > 0 && (s[k] as number) < 1 ? (s[k] as number) : bad(`scheduler.${k}`, 'a number in (0, 1)'));
  const oneOf = <T extends string>(k: string, values: readonly T[]): T => (values.includes(s[k] as T) ? (s[k] as T) : bad(`scheduler.${k}`, values.map((v) => JSON.stringify(v)).join(' or ')));
  const stepsOffset = typeof s.stepsOffset === 'number' && Number.isInteger(s.stepsOffset) && s.stepsOffset >= 0 ? s.stepsOffset : bad('scheduler.stepsOffset', 'a non-negative integer');
  const setAlphaToOne = typeof s.setAlphaToOne === 'boolean' ? s.setAlphaToOne : bad('scheduler.setAlphaToOne', 'true or false');
  return {
    numTrainTimesteps: positiveInt('numTrainTimesteps'),
    betaStart: beta('betaStart'),
    betaEnd: beta('betaEnd'),
    betaSchedule: oneOf('betaSchedule', ['scaled_linear', 'linear'] as const),
    stepsOffset,
    setAlphaToOne,
    predictionType: oneOf('predictionType', ['v_prediction', 'epsilon'] as const),
    timestepSpacing: oneOf('timestepSpacing', ['leading'] as const),
  };
}
