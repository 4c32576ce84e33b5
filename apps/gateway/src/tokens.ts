/**
 * Injection tokens of the gateway's ports. Every constructor parameter names its token
 * with @Inject: vitest's transpiler emits no decorator metadata, so type-based injection
 * would silently break under test.
 */
export const DATABASE = Symbol('Database');
export const OBJECT_STORE = Symbol('ObjectStore');
export const SETTINGS = Symbol('GatewaySettings');
export const LOGGER = Symbol('Logger');
export const AGENT_QUEUE = Symbol('AgentQueue');
export const WEBHOOK_QUEUE = Symbol('WebhookQueue');
export const QUEUE_STATS = Symbol('QueueStats');
export const JOB_EVENTS = Symbol('JobEventBus');
export const RATE_LIMITER = Symbol('RateLimiter');
export const READINESS_CHECKS = Symbol('ReadinessChecks');
export const IMAGE_PROBE = Symbol('ImageProbe');
export const WEBHOOK_TARGET_CHECK = Symbol('WebhookTargetCheck');
export const SSE_OPTIONS = Symbol('SseOptions');
/** The scene memory (libs/memory's MemoryRepository), or null when this deployment has none. */
export const MEMORY = Symbol('MemoryRepository');
