import { describe, expect, it } from 'vitest';
import { hopFailure } from './failures.js';

describe('hopFailure', () => {
  it('keeps a worker’s job error code and message', () => {
    expect(hopFailure('render_failed', '[engine_unavailable] render engine "diffusion" is not installed')).toMatchObject({
      code: 'engine_unavailable',
      message: 'render engine "diffusion" is not installed',
    });
    expect(hopFailure('segmentation_failed', '[image_too_large] 20000×20000 = 400000000 pixels')).toMatchObject({ code: 'image_too_large' });
  });

  it('gives the stage’s code to worker codes that are not job codes, and to plain failures', () => {
    expect(hopFailure('segmentation_failed', '[unknown_label] unknown label "x"')).toMatchObject({ code: 'segmentation_failed', message: '[unknown_label] unknown label "x"' });
    expect(hopFailure('render_failed', 'ECONNRESET')).toMatchObject({ code: 'render_failed', message: 'ECONNRESET' });
    expect(hopFailure('render_failed', '')).toMatchObject({ code: 'render_failed', message: 'failed without a reason' });
    // internal_error is the agent's own; a worker cannot claim it.
    expect(hopFailure('render_failed', '[internal_error] boom')).toMatchObject({ code: 'render_failed' });
  });
});
