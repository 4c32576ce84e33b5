/**
 * @pertouch/segmentation — automatic labelled regions and prompted masks.
 */
export * from './types.js';
export * from './errors.js';
export * from './region-stats.js';
