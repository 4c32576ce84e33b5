/**
 * "more", "a bit more", "less", "a bit less" — follow-up words that only mean something
 * against the edit before them. libs/instructions parses one instruction alone (it
 * answers `not_understood` for these), so the agent maps them onto the parent job's
 * edits here: the same regions and attributes, in the parent's direction for "more" and
 * against it for "less", at the strength the words give (libs/instructions' STRENGTH:
 * "a bit"/"a little"/"slightly" 0.1, plain 0.2, "much"/"a lot" 0.4). "less" never takes
 * back more than the parent added, so "less" after "a little brighter" returns to the
 * photo as shot rather than darkening it.
 */
import { STRENGTH, type Edit } from '@pertouch/instructions';

const SLIGHT = ['a bit', 'a little', 'a little bit', 'a tiny bit', 'slightly', 'a touch', 'just a bit', 'just a little', 'a tad', 'somewhat'];
const STRONG = ['much', 'a lot', 'way', 'far', 'lots', 'significantly', 'considerably'];
const PHRASE = new RegExp(
  `^(?:(?:and|ok|okay|now|then|please|hmm|ok now),?\\s+)*(?:(?:make it|do it|go|even|still)\\s+)?(?:(${[...SLIGHT, ...STRONG].sort((a, b) => b.length - a.length).join('|')})\\s+)?(?:even\\s+)?(more|less|stronger|weaker|further)(?:\\s+(?:of that|of it|than that|than before))?(?:,?\\s+please)?\\s*[.!]*$`,
);

export interface RelativeRequest {
  readonly direction: 1 | -1;
  readonly size: number;
}

/** The request of a bare "more"/"less" phrase, or undefined for anything else (which the parser reads). */
export function relativeRequest(instruction: string): RelativeRequest | undefined {
  const match = PHRASE.exec(instruction.trim().toLowerCase().replace(/\s+/g, ' '));
  if (!match) return undefined;
  const [, intensifier, word] = match;
  const size = intensifier === undefined ? STRENGTH.plain : SLIGHT.includes(intensifier) ? STRENGTH.slight : STRENGTH.strong;
  return { direction: word === 'less' || word === 'weaker' ? -1 : 1, size };
}

/** The parent's edits, again ("more") or back ("less"), at the requested strength. */
export function relativeEdits(request: RelativeRequest, parentEdits: readonly Edit[]): Edit[] {
  return parentEdits.map((edit) => {
    const sign = Math.sign(edit.delta) * request.direction;
    const size = request.direction < 0 ? Math.min(request.size, Math.abs(edit.delta)) : request.size;
    const { box: _box, ...rest } = edit;
    return { ...rest, delta: sign * size };
  });
}
