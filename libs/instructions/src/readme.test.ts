/** README.md documents the rule engine's vocabulary and the VLM configuration: keep them in step. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lexiconEntries } from './rules/lexicon.js';
import { VLM_ENV } from './vlm/config.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8').toLowerCase();
const DOCUMENTED_KINDS = new Set(['cue', 'verb', 'intensity', 'modifier', 'weak', 'unsupported', 'except', 'global', 'pronoun', 'rest']);
const mentions = (phrase: string) => new RegExp(`(^|[^a-z])${phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z]|$)`).test(README);

describe('README', () => {
  it('lists every word and phrase that carries meaning', () => {
    const missing = lexiconEntries()
      .filter(([, entry]) => DOCUMENTED_KINDS.has(entry.kind))
      .map(([phrase]) => phrase)
      .filter((phrase) => !mentions(phrase));
    expect(missing).toEqual([]);
  });

  it('documents every VLM variable and every fallback reason', () => {
    for (const name of Object.keys(VLM_ENV)) expect(README, name).toContain(name.toLowerCase());
    for (const reason of ['timeout', 'network', 'http_error', 'bad_response', 'refusal', 'invalid_json', 'schema_mismatch']) expect(README, reason).toContain(`\`${reason}\``);
  });
});
