import { describe, expect, it } from 'vitest';
import { InstructionError, MAX_INSTRUCTION_LENGTH } from './errors.js';
import { normaliseRegion, singular } from './region.js';
import { parseWithRules } from './rules/parse-rules.js';
import { tokenize } from './rules/tokenize.js';
import { ParseResultSchema } from './schema.js';
import { STRENGTH, strengthBand } from './strength.js';

const edits = (instruction: string) => parseWithRules(instruction).edits;
const one = (instruction: string) => {
  const [edit, ...rest] = edits(instruction);
  expect(rest, instruction).toEqual([]);
  return edit;
};

function errorOf(instruction: string): InstructionError {
  try {
    parseWithRules(instruction);
  } catch (error) {
    if (error instanceof InstructionError) return error;
    throw error;
  }
  throw new Error(`"${instruction}" parsed without error`);
}

describe('strength scale', () => {
  it('maps words to 0.1 / 0.2 / 0.4 / 0.6 and deltas back to bands', () => {
    expect(one('a touch brighter').delta).toBe(STRENGTH.slight);
    expect(one('brighter').delta).toBe(STRENGTH.plain);
    expect(one('a lot brighter').delta).toBe(STRENGTH.strong);
    expect(one('extremely bright').delta).toBe(STRENGTH.extreme);
    expect(one('very slightly warmer').delta).toBe(STRENGTH.slight); // the nearer word counts
    expect(one('much too dark').delta).toBe(STRENGTH.strong);
    expect([0.05, 0.14, 0.16, 0.29, 0.31, 0.49, 0.51, 0.9].map(strengthBand)).toEqual(['slight', 'slight', 'plain', 'plain', 'strong', 'strong', 'extreme', 'extreme']);
    expect(strengthBand(-0.4)).toBe('strong');
  });
});

describe('directions: wishes, complaints, negation', () => {
  it.each([
    ['make it brighter', 1],
    ['less bright', -1],
    ['too bright', -1],
    ['not bright enough', 1],
    ['it is not bright', 1],
    ['not so bright', -1],
    ['the photo is dark', 1],
    ['make it dark', -1],
    ['the picture is grey and dull', 1],
  ])('%s → %d', (instruction, sign) => {
    expect(Math.sign(one(instruction).delta)).toBe(sign);
  });

  it('reads colour words on the temperature axis and says so', () => {
    const result = parseWithRules('make the sky less blue');
    expect(result.edits).toEqual([{ region: 'sky', attribute: 'temperature', delta: 0.2 }]);
    expect(result.notes?.join(' ')).toMatch(/blue.*temperature/);
    expect(one('remove the yellow cast')).toMatchObject({ attribute: 'temperature', delta: -0.2 });
    expect(one('add a warm tint')).toMatchObject({ attribute: 'temperature', delta: 0.2 });
    expect(one('make the grass greener')).toMatchObject({ region: 'vegetation', attribute: 'colorfulness', delta: 0.2 });
  });

  it('applies a level word to the attribute named: "too strong", "too high", "more subtle"', () => {
    expect(one('the colours are too strong')).toMatchObject({ attribute: 'colorfulness', delta: -0.2 });
    expect(one('the exposure is too low')).toMatchObject({ attribute: 'brightness', delta: 0.2 });
    expect(one('make the contrast more subtle')).toMatchObject({ attribute: 'contrast', delta: -0.2 });
  });

  it('ignores a prohibition instead of doing its opposite', () => {
    const result = parseWithRules("don't make it darker");
    expect(result.edits).toEqual([]);
    expect(result.notes?.join(' ')).toMatch(/prohibition/);
  });
});

describe('regions', () => {
  it('normalises to the segmentation vocabulary, and passes other nouns through in the singular', () => {
    expect(['The Sky', 'the trees', 'her face', 'the dark areas', 'skin tones', 'the kids', 'the foreground', 'clouds'].map(normaliseRegion)).toEqual([
      'sky', 'vegetation', 'face', 'shadows', 'skin', 'person', 'subject', 'cloud',
    ]);
    expect(['the eagles', "the man's shirt", 'puppies', 'dresses', 'the dog', 'traffic lights', 'the whole image'].map(normaliseRegion)).toEqual([
      'eagle', 'shirt', 'puppy', 'dress', 'dog', 'traffic light', 'global',
    ]);
    expect(normaliseRegion('the')).toBeUndefined();
    expect(['glass', 'bus', 'boxes', 'cherries'].map(singular)).toEqual(['glass', 'bus', 'box', 'cherry']);
  });

  it('takes the possessed region, not the owner, and keeps adjectives inside a noun phrase out of the edit', () => {
    expect(one("the woman's face needs to be brighter").region).toBe('face');
    expect(one('make the red car brighter')).toEqual({ region: 'car', attribute: 'brightness', delta: 0.2 });
    expect(one('darken the blue sky')).toEqual({ region: 'sky', attribute: 'brightness', delta: -0.2 });
  });

  it('resolves "it" to the region named last, and to the photo when none was', () => {
    expect(edits('the sky is too blue, make it warmer')).toEqual([{ region: 'sky', attribute: 'temperature', delta: 0.2 }]);
    expect(one('make it warmer').region).toBe('global');
  });

  it('keeps "except" regions out of an edit; "the rest" excludes what was named before', () => {
    expect(one('desaturate everything except the sky and the water')).toEqual({ region: 'global', attribute: 'colorfulness', delta: -0.2, except: ['sky', 'water'] });
    expect(edits('brighten the person and darken the rest')).toEqual([
      { region: 'person', attribute: 'brightness', delta: 0.2 },
      { region: 'global', attribute: 'brightness', delta: -0.2, except: ['person'] },
    ]);
  });

  it('lends a region, an edit or an intensifier to the fragment that leaves it out', () => {
    expect(edits('brighten the sky, the sea and the boats').map((e) => e.region)).toEqual(['sky', 'water', 'boat']);
    expect(edits('a darker and less saturated background').map((e) => e.region)).toEqual(['background', 'background']);
    expect(one('make the sky bluer, but only a little').delta).toBe(-STRENGTH.slight);
    expect(edits('warm up the image and add contrast to the sky')).toEqual([
      { region: 'global', attribute: 'temperature', delta: 0.2 },
      { region: 'sky', attribute: 'contrast', delta: 0.2 },
    ]);
  });

  it('merges repeated requests, keeping the stronger', () => {
    expect(edits("brighten the face, it's way too dark")).toEqual([{ region: 'face', attribute: 'brightness', delta: 0.4 }]);
  });
});

describe('weak requests and what cannot be done', () => {
  it.each(['optimize', 'make it look good', 'auto', 'fix it', 'the way I usually like', 'enhance', 'fix the white balance'])('"%s" is weak', (instruction) => {
    expect(parseWithRules(instruction)).toMatchObject({ type: 'weak', edits: [] });
  });

  it('says when an attribute word came without a direction', () => {
    expect(parseWithRules('fix the white balance').notes?.join(' ')).toMatch(/white balance.*without a direction/);
  });

  it('a weak word next to an edit is strong, with a note', () => {
    const result = parseWithRules('auto, but a bit warmer');
    expect(result).toMatchObject({ type: 'strong', edits: [{ region: 'global', attribute: 'temperature', delta: 0.1 }] });
    expect(result.notes?.join(' ')).toMatch(/automatic look/);
  });

  it('refuses what the four attributes cannot do, and notes it when something else could be done', () => {
    expect(errorOf('sharpen it').code).toBe('unsupported_edit');
    expect(errorOf('remove the person').code).toBe('unsupported_edit');
    expect(errorOf('make it black and white').message).toMatch(/black and white/);
    const partial = parseWithRules('brighten the sky and sharpen it');
    expect(partial.edits).toEqual([{ region: 'sky', attribute: 'brightness', delta: 0.2 }]);
    expect(partial.notes?.join(' ')).toMatch(/ignored "sharpen"/);
  });

  it('rejects empty, overlong and meaningless instructions with their codes', () => {
    expect(errorOf('   ').code).toBe('empty_instruction');
    expect(errorOf('brighter '.repeat(MAX_INSTRUCTION_LENGTH / 4)).code).toBe('instruction_too_long');
    expect(errorOf('hello there').code).toBe('not_understood');
    expect(errorOf('ÄÖÜ ☃ 42').code).toBe('not_understood');
  });
});

describe('engine properties', () => {
  it('is deterministic and always returns a schema-valid result', () => {
    const instructions = ['brighten the sky a lot', 'desaturate everything except the person', 'optimize', 'the skin looks too orange', 'brighter, warmer and a bit more contrast'];
    for (const instruction of instructions) {
      const a = parseWithRules(instruction);
      expect(parseWithRules(instruction)).toEqual(a);
      expect(ParseResultSchema.safeParse(a).success, instruction).toBe(true);
    }
  });

  it('tokenizes contractions, British spelling, hyphens and separated particles', () => {
    expect(tokenize("it's over-exposed, the colours aren't vivid").map((t) => t.text)).toEqual(['it', 'is', 'overexposed', ',', 'the', 'colors', 'are', 'not', 'vivid']);
    expect(tokenize('pull the highlights down a bit').map((t) => t.text)).toEqual(['pull down', 'the', 'highlights', 'a bit']);
    expect(tokenize("the sky's too bright").map((t) => t.text)).toEqual(['the', 'sky', 'is', 'too', 'bright']);
    expect(tokenize("the person's skin").map((t) => t.entry.kind)).toEqual(['determiner', 'word', 'possessive', 'word']);
  });

  it('caps the edits at the schema limit', () => {
    const many = Array.from({ length: 20 }, (_, i) => `brighten the ${['sky', 'water', 'dog', 'cat', 'car', 'boat', 'bus', 'face', 'skin', 'hair', 'road', 'building', 'cloud', 'person', 'horse', 'bird', 'cow', 'sheep', 'truck', 'train'][i]}`).join(' and ');
    const result = parseWithRules(many);
    expect(result.edits).toHaveLength(16);
    expect(ParseResultSchema.safeParse(result).success).toBe(true);
  });
});
