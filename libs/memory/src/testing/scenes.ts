/** Small builders for repository tests (test-only). */
import type { AttributeValues, ConfirmedScene } from '../ports.js';
import { EMBEDDED_DIMENSION, EMBEDDED_FEATURE_KIND } from '../descriptor/describe-scene.js';
import { l2Normalize } from '../vector-math.js';

/** A unit embedded-v1 vector pointing mostly along axis `axis`, tilted toward `tilt` by `amount`. */
export function axisVector(axis: number, tilt = (axis + 1) % EMBEDDED_DIMENSION, amount = 0): Float32Array {
  const v = new Float32Array(EMBEDDED_DIMENSION);
  v[axis] = 1;
  v[tilt] += amount;
  return l2Normalize(v);
}

export function confirmedScene(
  tenantId: string,
  userId: string,
  jobId: string,
  vector: Float32Array,
  labels: Record<string, AttributeValues> = { sky: { brightness: 0.2 } },
  global?: AttributeValues,
): ConfirmedScene {
  return {
    tenantId,
    userId,
    jobId,
    features: { kind: EMBEDDED_FEATURE_KIND, vector, labels: Object.keys(labels) },
    labels,
    ...(global ? { global } : {}),
  };
}
