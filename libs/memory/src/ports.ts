/**
 * Scene-aware taste memory (design.md §6, the paper's §3.3): what a user confirmed, per
 * kind of scene, and what they would probably like for a new one. Services depend on
 * this port; the Postgres + pgvector implementation and an embedded one (PGlite +
 * pglite-pgvector) stand behind it.
 */

export type AttributeName = 'colorfulness' | 'contrast' | 'temperature' | 'brightness';
export type AttributeValues = Partial<Record<AttributeName, number>>;

/** F(image): a fixed-dimension, L2-normalised scene descriptor and the extractor that made it. */
export interface SceneFeatures {
  /** e.g. "embedded-v1" (documented in libs/memory/README.md) or an ONNX model's name. Vectors of different kinds are never compared. */
  readonly kind: string;
  readonly vector: Float32Array;
  /** The scene's region labels (sky, vegetation, person, …). */
  readonly labels: readonly string[];
}

/** One confirmed edit: the values the user accepted, per region label and for the whole image. */
export interface ConfirmedScene {
  readonly tenantId: string;
  readonly userId: string;
  readonly jobId: string;
  readonly features: SceneFeatures;
  readonly global?: AttributeValues;
  readonly labels: Readonly<Record<string, AttributeValues>>;
}

export interface SceneNeighbour {
  readonly jobId: string;
  /** Cosine distance, 0 … 2. */
  readonly distance: number;
  readonly global?: AttributeValues;
  readonly labels: Readonly<Record<string, AttributeValues>>;
}

/** The estimate p(c | f; M): per label and globally, the value and how much evidence stands behind it (0 … 1). */
export interface PreferenceEstimate {
  readonly global: AttributeValues;
  readonly labels: Readonly<Record<string, AttributeValues>>;
  readonly evidence: { readonly neighbours: number; readonly weight: number };
  /** Per label, the evidence (0 … 1) behind its values: Σw / (Σw + λ) over the neighbours that have the label. */
  readonly labelEvidence?: Readonly<Record<string, number>>;
}

/** The mean of a user's confirmed values for one (label or global, attribute), and how many values it averages. */
export interface TendencyCell {
  readonly mean: number;
  readonly count: number;
}

/** A user's overall tendency, whatever the scene: the prior the estimate falls back to (libs/memory/README.md). */
export interface UserTendency {
  readonly global: Readonly<Partial<Record<AttributeName, TendencyCell>>>;
  readonly labels: Readonly<Record<string, Readonly<Partial<Record<AttributeName, TendencyCell>>>>>;
}

export interface MemoryRepository {
  /** Stores one confirmed scene (idempotent per tenant, user and job: a second confirmation replaces the first). */
  remember(scene: ConfirmedScene): Promise<void>;
  /** The k nearest scenes of this user (same tenant, same feature kind), nearest first. */
  nearest(tenantId: string, userId: string, features: Pick<SceneFeatures, 'kind' | 'vector'>, k: number): Promise<SceneNeighbour[]>;
  /** Forgets everything of one user; returns how many scenes were removed. */
  forget(tenantId: string, userId: string): Promise<number>;
  /** How many scenes a user has (tests, the API's answer to forget). */
  count(tenantId: string, userId: string): Promise<number>;
  /**
   * The user's overall tendency over their most recent scenes (every feature kind). Optional so
   * that test doubles need not implement it; without it `recallPreferences` uses the neighbours' mean.
   */
  tendency?(tenantId: string, userId: string): Promise<UserTendency>;
}
