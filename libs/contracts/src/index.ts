/**
 * @pertouch/contracts — queue names, payloads and results shared by PerTouch services,
 * defined once as zod schemas with inferred TypeScript types.
 */
export * from './queues.js';
export * from './problem.js';
export * from './tenancy.js';
export * from './segment.js';
export * from './env.js';
export * from './api/index.js';
