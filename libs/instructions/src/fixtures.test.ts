/**
 * The acceptance measure: the rule engine against instruction fixtures written from what
 * a user means. instructions.json is the tuning set; instructions.heldout.json was written
 * with it, before the rules, and never tuned on; instructions.fresh.json was written after
 * the rules, in new phrasings, and scored blind once (README: scores).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_NAMES } from '@pertouch/contracts';
import { scoreFixture, type FixtureCase } from './fixtures/score.js';
import { parseWithRules } from './rules/parse-rules.js';
import { ParseResultSchema } from './schema.js';
import { STRENGTH, strengthBand } from './strength.js';

function load(name: string): FixtureCase[] {
  return (JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as { cases: FixtureCase[] }).cases;
}

const SETS = { tuning: load('instructions.json'), heldout: load('instructions.heldout.json'), fresh: load('instructions.fresh.json') };
const ALL = [...SETS.tuning, ...SETS.heldout, ...SETS.fresh];

describe('the fixtures themselves', () => {
  it('are large and varied enough: ≥ 80 cases, ≥ 20 held out, weak and strong, every attribute, both signs, every band', () => {
    expect(SETS.tuning.length + SETS.heldout.length).toBeGreaterThanOrEqual(80);
    expect(SETS.heldout.length).toBeGreaterThanOrEqual(20);
    const edits = ALL.flatMap((c) => c.expected.edits);
    expect(new Set(ALL.map((c) => c.expected.type))).toEqual(new Set(['weak', 'strong']));
    expect(new Set(edits.map((e) => e.attribute))).toEqual(new Set(ATTRIBUTE_NAMES));
    expect(new Set(edits.map((e) => Math.sign(e.delta)))).toEqual(new Set([1, -1]));
    expect(new Set(edits.map((e) => strengthBand(e.delta)))).toEqual(new Set(Object.keys(STRENGTH)));
    expect(ALL.filter((c) => c.expected.edits.length > 1).length).toBeGreaterThanOrEqual(10);
    expect(edits.filter((e) => e.except).length).toBeGreaterThanOrEqual(3);
    expect(new Set(edits.map((e) => e.region)).size).toBeGreaterThanOrEqual(15);
  });

  it('expect only valid parse results, each instruction once', () => {
    for (const c of ALL) expect(ParseResultSchema.safeParse(c.expected).success, c.instruction).toBe(true);
    const seen = ALL.map((c) => c.instruction.toLowerCase());
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('rule engine scores', () => {
  for (const [name, cases] of Object.entries(SETS)) {
    it(`${name}: ≥ 95 % exactly right (type, region, attribute, sign), ≥ 90 % with the strength band`, () => {
      const score = scoreFixture(cases, parseWithRules);
      const wrong = score.cases.filter((c) => !c.banded).map((c) => `${c.instruction} → ${JSON.stringify(c.actual)}`);
      console.log(`instructions ${name}: exact ${(100 * score.exact).toFixed(1)} %, band ${(100 * score.banded).toFixed(1)} % of ${cases.length}`);
      expect(score.exact, wrong.join('\n')).toBeGreaterThanOrEqual(0.95);
      expect(score.banded, wrong.join('\n')).toBeGreaterThanOrEqual(0.9);
    });
  }

  it('the scorer itself notices a wrong sign, region, attribute, type, except list or band', () => {
    const c: FixtureCase = { instruction: 'x', expected: { type: 'strong', edits: [{ region: 'sky', attribute: 'brightness', delta: 0.2, except: ['person'] }] } };
    const with_ = (edit: object, type: 'weak' | 'strong' = 'strong') => scoreFixture([c], () => ({ type, edits: [{ region: 'sky', attribute: 'brightness', delta: 0.2, except: ['person'], ...edit }] }));
    expect(with_({}).banded).toBe(1);
    expect(with_({ delta: 0.25 }).banded).toBe(1);
    expect(with_({ delta: 0.4 }).exact).toBe(1);
    expect(with_({ delta: 0.4 }).banded).toBe(0);
    for (const wrong of [{ delta: -0.2 }, { region: 'water' }, { attribute: 'contrast' }, { except: undefined }]) expect(with_(wrong).exact, JSON.stringify(wrong)).toBe(0);
    expect(with_({}, 'weak').exact).toBe(0);
    expect(scoreFixture([c], () => ({ type: 'strong', edits: [] })).exact).toBe(0);
  });
});
