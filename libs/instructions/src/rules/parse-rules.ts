/**
 * The embedded rule engine: plain language → weak/strong edits, deterministic, pure (no
 * I/O), with the vocabulary of lexicon.ts. Stages: tokenize → items (regions found) →
 * fragments (split at "and", commas…) → a reading per fragment → combine.
 */
import { InstructionError, MAX_INSTRUCTION_LENGTH } from '../errors.js';
import type { ParseResult } from '../schema.js';
import { combine } from './combine.js';
import { readFragments, splitFragments, type Reading } from './fragments.js';
import { toItems } from './items.js';
import { tokenize } from './tokenize.js';

const MAX_EDITS = 16;
const MAX_NOTES = 10;

export function parseWithRules(instruction: string): ParseResult {
  const text = instruction.trim();
  if (text === '') throw new InstructionError('empty_instruction', 'the instruction is empty');
  if (text.length > MAX_INSTRUCTION_LENGTH) throw new InstructionError('instruction_too_long', `the instruction has ${text.length} characters; at most ${MAX_INSTRUCTION_LENGTH}`);
  const readings = readFragments(splitFragments(toItems(tokenize(text))));
  const edits = combine(readings);
  const notes = collectNotes(readings, edits.length > 0);
  if (edits.length > MAX_EDITS) notes.push(`only the first ${MAX_EDITS} of ${edits.length} edits are kept`);
  const withNotes = (result: ParseResult): ParseResult => (notes.length > 0 ? { ...result, notes: [...new Set(notes)].slice(0, MAX_NOTES) } : result);
  if (edits.length > 0) return withNotes({ type: 'strong', edits: edits.slice(0, MAX_EDITS) });
  if (readings.some((r) => r.weak.length > 0 || r.directionless.length > 0 || r.prohibited)) return withNotes({ type: 'weak', edits: [] });
  const unsupported = readings.flatMap((r) => r.unsupported);
  if (unsupported.length > 0) {
    throw new InstructionError('unsupported_edit', `"${unsupported[0]}" is not something PerTouch can do: it edits brightness, contrast, colourfulness and colour temperature`);
  }
  throw new InstructionError('not_understood', `no edit found in "${text.slice(0, 80)}": say what to change (brighter, more contrast, warmer, less saturated…) or ask for the automatic look ("optimize")`);
}

function collectNotes(readings: readonly Reading[], strong: boolean): string[] {
  const notes: string[] = [];
  for (const r of readings) {
    notes.push(...r.notes);
    if (r.prohibited) notes.push('a prohibition ("don\'t …") asks for no edit: ignored');
    for (const u of r.unsupported) if (strong) notes.push(`ignored "${u}": not one of brightness, contrast, colourfulness, temperature`);
    for (const d of r.directionless) if (!strong) notes.push(`"${d.text}" names ${d.attribute} without a direction: left to the automatic look`);
    for (const w of r.weak) if (strong) notes.push(`"${w}" asks for the automatic look: it is the base every edit starts from`);
  }
  return notes;
}
