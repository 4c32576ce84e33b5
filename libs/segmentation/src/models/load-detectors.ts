/**
 * Loads whichever optional thing models are present in the models cache
 * (scripts/fetch-models.mjs puts them in $PERTOUCH_MODELS_DIR or ~/.cache/pertouch/models).
 * A missing model is never an error: it is listed as unavailable with the labels it
 * would have given. A present but unreadable model throws SegmentationError('model_invalid').
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { SegmentationError } from '../errors.js';
import type { ThingDetector } from '../types.js';
import { CENTERNET_OUTPUT, COCO_DETECTOR_LABELS, createCocoDetector } from './coco-detector.js';
import { createFaceDetector, FACE_LABELS } from './face-detector.js';
import { createIsnetDetector, ISNET_LABELS } from './isnet-detector.js';
import { createSelfieDetector, SELFIE_LABELS } from './selfie-detector.js';
import type { TensorPort } from './tensor-port.js';

export interface LoadDetectorsOptions {
  /** Where the models are; default $PERTOUCH_MODELS_DIR, else ~/.cache/pertouch/models. */
  readonly modelsDir?: string;
  /** Load only these models (by name: isnet, selfie, blazeface, centernet); the rest are listed unavailable. */
  readonly only?: readonly string[];
}

export interface UnavailableModel {
  readonly model: string;
  readonly labels: string[];
  readonly reason: string;
}

export interface LoadedDetectors {
  readonly detectors: ThingDetector[];
  readonly unavailable: UnavailableModel[];
}

interface ModelSpec {
  readonly name: string;
  readonly labels: readonly string[];
  /** Files that must all be present (relative to <modelsDir>/<name>/). */
  readonly files: readonly string[];
  open(dir: string): Promise<ThingDetector>;
}

async function tfjsPort(json: string, outputs?: readonly string[]): Promise<TensorPort> {
  const { loadTfjsGraph } = await import('./tfjs-runtime.js');
  return loadTfjsGraph(json, outputs);
}

/** The optional models, in the order the engine should run them. */
export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    name: 'isnet',
    labels: ISNET_LABELS,
    files: ['isnet.onnx'],
    async open(dir) {
      const { loadOnnxModel } = await import('./onnx-runtime.js');
      return createIsnetDetector(await loadOnnxModel(path.join(dir, 'isnet.onnx'), 'input', ['output']));
    },
  },
  {
    name: 'selfie',
    labels: SELFIE_LABELS,
    files: ['selfie.json', 'selfie.bin'],
    async open(dir) {
      return createSelfieDetector(await tfjsPort(path.join(dir, 'selfie.json')));
    },
  },
  {
    name: 'blazeface',
    labels: FACE_LABELS,
    files: ['blazeface.json', 'blazeface.bin'],
    async open(dir) {
      return createFaceDetector(await tfjsPort(path.join(dir, 'blazeface.json')));
    },
  },
  {
    name: 'centernet',
    labels: COCO_DETECTOR_LABELS,
    files: ['centernet.json', 'centernet.bin'],
    async open(dir) {
      return createCocoDetector(await tfjsPort(path.join(dir, 'centernet.json'), [CENTERNET_OUTPUT]));
    },
  },
];

export function defaultModelsDir(): string {
  return process.env.PERTOUCH_MODELS_DIR || path.join(homedir(), '.cache', 'pertouch', 'models');
}

export async function loadDetectors(options: LoadDetectorsOptions = {}): Promise<LoadedDetectors> {
  const root = path.resolve(options.modelsDir ?? defaultModelsDir());
  const known = MODEL_SPECS.map((s) => s.name);
  const unknown = (options.only ?? []).filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new SegmentationError('model_unavailable', `unknown model ${unknown.join(', ')} (known: ${known.join(', ')})`);
  }
  const detectors: ThingDetector[] = [];
  const unavailable: UnavailableModel[] = [];
  for (const spec of MODEL_SPECS) {
    const labels = [...spec.labels];
    if (options.only && !options.only.includes(spec.name)) {
      unavailable.push({ model: spec.name, labels, reason: 'not selected' });
      continue;
    }
    const dir = path.join(root, spec.name);
    const missing = spec.files.filter((f) => !existsSync(path.join(dir, f)));
    if (missing.length > 0) {
      unavailable.push({
        model: spec.name,
        labels,
        reason: `missing ${missing.map((f) => path.join(dir, f)).join(', ')} (run \`npm run models\`)`,
      });
      continue;
    }
    try {
      detectors.push(await spec.open(dir));
    } catch (err) {
      throw new SegmentationError('model_invalid', `${spec.name} in ${dir} cannot be loaded: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { detectors, unavailable };
}
