/**
 * MemoryRepository in a Map, with exact cosine search: for unit tests of the services
 * that use the memory (the agent, the gateway), where starting PGlite or Postgres is not
 * the point. Same contract as the SQL stores, including the checks.
 */
import { tendencyOfScenes } from '../estimate/tendency.js';
import type { ConfirmedScene, MemoryRepository, SceneFeatures, SceneNeighbour, UserTendency } from '../ports.js';
import { cosineDistance } from '../vector-math.js';
import { checkFeatures, checkNeighbourCount, checkScene, definedValues } from './validate.js';

interface Stored {
  readonly scene: ConfirmedScene;
  readonly vector: Float32Array;
  readonly order: number;
}

export class InMemoryMemoryRepository implements MemoryRepository {
  private readonly users = new Map<string, Map<string, Stored>>();
  private next = 0;

  private key(tenantId: string, userId: string): string {
    return JSON.stringify([tenantId, userId]);
  }

  async remember(scene: ConfirmedScene): Promise<void> {
    checkScene(scene);
    const key = this.key(scene.tenantId, scene.userId);
    let scenes = this.users.get(key);
    if (!scenes) this.users.set(key, (scenes = new Map()));
    const labels = Object.fromEntries(Object.entries(scene.labels).map(([label, values]) => [label, definedValues(values)]));
    // Copies, so that a caller mutating its objects later cannot change what was remembered.
    scenes.set(scene.jobId, { scene: { ...scene, global: definedValues(scene.global), labels }, vector: Float32Array.from(scene.features.vector), order: this.next++ });
  }

  async nearest(tenantId: string, userId: string, features: Pick<SceneFeatures, 'kind' | 'vector'>, k: number): Promise<SceneNeighbour[]> {
    checkFeatures(features);
    checkNeighbourCount(k);
    const scenes = [...(this.users.get(this.key(tenantId, userId))?.values() ?? [])];
    return scenes
      .filter((s) => s.scene.features.kind === features.kind && s.vector.length === features.vector.length)
      .map((s) => {
        const global = s.scene.global && Object.keys(s.scene.global).length > 0 ? s.scene.global : undefined;
        return { jobId: s.scene.jobId, distance: cosineDistance(s.vector, features.vector), ...(global ? { global } : {}), labels: s.scene.labels };
      })
      .sort((a, b) => a.distance - b.distance || a.jobId.localeCompare(b.jobId))
      .slice(0, k);
  }

  async forget(tenantId: string, userId: string): Promise<number> {
    const key = this.key(tenantId, userId);
    const n = this.users.get(key)?.size ?? 0;
    this.users.delete(key);
    return n;
  }

  async count(tenantId: string, userId: string): Promise<number> {
    return this.users.get(this.key(tenantId, userId))?.size ?? 0;
  }

  async tendency(tenantId: string, userId: string): Promise<UserTendency> {
    const scenes = [...(this.users.get(this.key(tenantId, userId))?.values() ?? [])];
    return tendencyOfScenes(scenes.map((s) => s.scene));
  }
}
