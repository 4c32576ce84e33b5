/** The one call the agent makes for a weak instruction: nearest scenes + tendency → estimate. */
import { estimatePreferences, type EstimateOptions } from './estimate/estimate-preferences.js';
import { tendencyOfScenes } from './estimate/tendency.js';
import type { MemoryRepository, PreferenceEstimate, SceneFeatures } from './ports.js';

export interface RecallRequest {
  readonly tenantId: string;
  readonly userId: string;
  readonly features: SceneFeatures;
}

export interface RecallOptions extends Omit<EstimateOptions, 'tendency'> {
  /** How many nearest scenes to weigh (default 10). */
  readonly k?: number;
}

export const DEFAULT_NEIGHBOURS = 10;

/**
 * p(c | f; M) for one scene of one user. Uses the repository's `tendency` as the prior;
 * a repository without it (a test double) gets the neighbours' own mean instead.
 */
export async function recallPreferences(memory: MemoryRepository, request: RecallRequest, options: RecallOptions = {}): Promise<PreferenceEstimate> {
  const { k = DEFAULT_NEIGHBOURS, ...estimate } = options;
  const [neighbours, tendency] = await Promise.all([
    memory.nearest(request.tenantId, request.userId, request.features, k),
    memory.tendency?.(request.tenantId, request.userId),
  ]);
  return estimatePreferences(neighbours, request.features.labels, { ...estimate, tendency: tendency ?? tendencyOfScenes(neighbours) });
}
