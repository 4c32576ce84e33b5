import { describe, expect, it } from 'vitest';
import { EngineConfigError, buildEngines } from './engines.js';
import { FakeSegmentationEngine } from './fake-engine.js';

describe('buildEngines', () => {
  it('builds each configured engine once', () => {
    let built = 0;
    const engines = buildEngines({ embedded: () => (built++, new FakeSegmentationEngine()) }, 'embedded');
    expect(Object.keys(engines)).toEqual(['embedded']);
    expect(built).toBe(1);
  });

  it('fails at start-up when the default engine is missing', () => {
    expect(() => buildEngines({ embedded: undefined }, 'embedded')).toThrow(EngineConfigError);
    expect(() => buildEngines({ embedded: () => new FakeSegmentationEngine() }, 'sam')).toThrow(/SEGMENTER_ENGINE=sam.*available: embedded/);
  });
});
