/**
 * What the agent asks of the scene memory (design.md §6): the look a user would probably
 * like for a scene — libs/memory's recallPreferences: the k nearest scenes they confirmed
 * (same tenant, same feature kind), weighed by similarity, shrunk toward the user's
 * overall tendency and toward neutral (0) when evidence is thin.
 */
import type { ConfirmedLook, SceneFeaturesData } from '@pertouch/contracts';
import { recallPreferences, type MemoryRepository } from '@pertouch/memory';

export interface RememberedLook {
  /** Global values, and per label only the labels similar scenes gave evidence for. */
  readonly look: ConfirmedLook;
  readonly neighbours: number;
  /** libs/memory's evidence weight, 0 … 1. */
  readonly weight: number;
}

export interface TasteMemory {
  /** The remembered look for this user and scene; undefined when the user has nothing remembered. */
  look(tenantId: string, userId: string, scene: SceneFeaturesData): Promise<RememberedLook | undefined>;
}

/** Nearest scenes consulted per estimate. */
export const NEIGHBOURS = 10;

export function memoryTaste(memory: MemoryRepository, k = NEIGHBOURS): TasteMemory {
  return {
    async look(tenantId, userId, scene) {
      if ((await memory.count(tenantId, userId)) === 0) return undefined;
      const features = { kind: scene.kind, vector: Float32Array.from(scene.vector), labels: scene.labels };
      const estimate = await recallPreferences(memory, { tenantId, userId, features }, { k });
      // A label's values count where similar scenes had that label; elsewhere the global values apply.
      const labels = Object.fromEntries(Object.entries(estimate.labels).filter(([label]) => (estimate.labelEvidence?.[label] ?? 0) > 0));
      return { look: { global: { ...estimate.global }, labels }, neighbours: estimate.evidence.neighbours, weight: estimate.evidence.weight };
    },
  };
}
