/**
 * The rule engine's vocabulary: every word or phrase it understands and what it means.
 * README.md documents the same tables for people; keep the two in step.
 *
 * A *pole* is the direction a word points along its attribute: "bright" is the + pole of
 * brightness, "dark" the − pole, "blue" the − pole of temperature (temperature grows
 * warmer). What the user wants is the pole times the context: "brighter" → +, "less
 * bright" → −, "too bright" → −, "not bright enough" → +.
 */
import type { AttributeName } from '@pertouch/contracts';
import { STRENGTH } from '../strength.js';

export type Pole = 1 | -1;

export interface Effect {
  readonly attribute: AttributeName;
  readonly pole: Pole;
}

/**
 * How an attribute word behaves in a sentence.
 * - `adjective`: a quality, wanted as said unless a complaint or negation turns it round
 *   ("vivid colours", "make it warm"; "the colours look muted" is a complaint).
 * - `comparative`: a change in itself ("brighter", "bluer").
 * - `noun`: names an attribute and needs a direction from elsewhere ("more contrast",
 *   "reduce the exposure"); alone it asks for nothing ("fix the white balance").
 * - `colour`: a colour word used as a noun or adjective; like a noun it needs a direction
 *   ("more orange", "too blue", "tone down the orange").
 * - `verb`: carries its own direction ("brighten", "desaturate", "warm up").
 * - `excess`: a complaint by itself ("overexposed", "blown out").
 * - `emphasis`: "bring out", "make it pop": its effects, unless the clause names the
 *   attributes to emphasise ("make the colours pop" → colourfulness only).
 * - `cast`: a colour cast or tint; a complaint unless something adds it ("add a warm tint").
 * - `level`: how much of whatever attribute the clause names ("the colours are too
 *   strong", "the contrast is too high", "make the contrast more subtle"); no effects of
 *   its own, its pole applies to the named attributes.
 */
export type CueForm = 'adjective' | 'comparative' | 'noun' | 'colour' | 'verb' | 'excess' | 'emphasis' | 'cast' | 'level';

export interface CueEntry {
  readonly kind: 'cue';
  readonly form: CueForm;
  readonly effects: readonly Effect[];
  /** For `level` only: more (+1) or less (−1) of the attribute the clause names. */
  readonly pole?: Pole;
}

/** Generic verbs: a direction for whatever attribute the clause names. */
export interface VerbEntry {
  readonly kind: 'verb';
  readonly sign: Pole;
  /** What the verb does when the clause names no attribute: "lift the shadows" → brightness +. */
  readonly fallback?: Effect;
  /** Also a request for the automatic look when no attribute follows ("enhance", "improve"). */
  readonly weak?: boolean;
  /** Puts something in rather than taking it out: "add a warm tint" is not a complaint. */
  readonly additive?: boolean;
}

export type Modifier =
  | 'more'
  | 'less'
  /** "too", "overly": the named quality is in excess. */
  | 'too'
  /** "too much X": the named attribute is in excess. */
  | 'too-much'
  /** "too little X", "not enough X", "lacks X": the named attribute is lacking. */
  | 'lacking'
  | 'not'
  | 'enough';

export type Entry =
  | CueEntry
  | VerbEntry
  | { readonly kind: 'intensity'; readonly strength: number }
  | { readonly kind: 'modifier'; readonly modifier: Modifier }
  /** A request for the automatic look: "optimize", "look good", "as usual". */
  | { readonly kind: 'weak' }
  /** An edit the four attributes cannot make: "sharpen", "crop", "remove". */
  | { readonly kind: 'unsupported' }
  /** "except", "apart from", "but not": the region words that follow are left alone. */
  | { readonly kind: 'except' }
  /** Words for the photo as a whole. */
  | { readonly kind: 'global' }
  /** "it", "them": the region last named, or the photo. */
  | { readonly kind: 'pronoun' }
  /** "the rest", "everything else": the photo except the regions named before. */
  | { readonly kind: 'rest' }
  /** is / looks / seems: a description, which is how people complain ("it looks flat"). */
  | { readonly kind: 'copula' }
  /** make / should / needs / want: what follows is the wish, not a description. */
  | { readonly kind: 'target' }
  | { readonly kind: 'determiner' }
  /** Clause boundaries: punctuation, "and", "but", "then". */
  | { readonly kind: 'separator' }
  /** Words that are never a region, so that "the way", "the tones" or "you" stay out of grounding. */
  | { readonly kind: 'filler' };

const B: AttributeName = 'brightness';
const C: AttributeName = 'contrast';
const S: AttributeName = 'colorfulness';
const T: AttributeName = 'temperature';

const LEXICON = new Map<string, Entry>();

function add(words: string, entry: Entry): void {
  for (const word of words.split('|').map((w) => w.trim())) {
    // A word listed twice would silently take the later meaning.
    if (LEXICON.has(word)) throw new Error(`lexicon: "${word}" is listed twice`);
    LEXICON.set(word, entry);
  }
}
const cue = (form: CueForm, ...effects: [AttributeName, Pole][]): CueEntry => ({ kind: 'cue', form, effects: effects.map(([attribute, pole]) => ({ attribute, pole })) });

// --- brightness -------------------------------------------------------------------------
add('bright|luminous|well lit', cue('adjective', [B, 1]));
add('brighter|lighter|brightest', cue('comparative', [B, 1]));
add('dark|dim|gloomy|murky|dingy|shadowy', cue('adjective', [B, -1]));
add('darker|dimmer|gloomier|murkier|darkest', cue('comparative', [B, -1]));
// "light" is a noun here: "more light"; as an adjective it is rare and clashes with "the light is harsh".
add('brightness|exposure|luminance|luminosity|lighting|light', cue('noun', [B, 1]));
add('darkness', cue('noun', [B, -1]));
add('brighten|lighten|illuminate|light up|brighten up|lighten up|brightened|lightened', cue('verb', [B, 1]));
add('darken|darken down|darkened', cue('verb', [B, -1]));
add('overexposed|blown|blown out|burnt out|burned out|overblown', cue('excess', [B, 1]));
add('underexposed', cue('excess', [B, -1]));

// --- contrast ---------------------------------------------------------------------------
add('contrasty|punchy|crisp|dramatic|harsh|high contrast', cue('adjective', [C, 1]));
add('punchier|crisper|contrastier|harsher|more contrasty', cue('comparative', [C, 1]));
add('flat|soft|hazy|muddy|foggy|low contrast|lifeless', cue('adjective', [C, -1]));
add('flatter|softer|hazier|muddier', cue('comparative', [C, -1]));
add('contrast|punch|clarity|depth|drama', cue('noun', [C, 1]));
add('punch up|crisp up|dehaze', cue('verb', [C, 1]));
add('soften|flatten', cue('verb', [C, -1]));

// --- colourfulness ----------------------------------------------------------------------
add('saturated|vivid|vibrant|colorful|rich|intense|garish|gaudy|lurid', cue('adjective', [S, 1]));
add('richer', cue('comparative', [S, 1]));
add('muted|desaturated|dull|pale|faded|bland|drab|grey|gray|greyish|grayish|pastel|subdued|colorless|washed', cue('adjective', [S, -1]));
add('duller|paler|greyer|grayer', cue('comparative', [S, -1]));
add('saturation|vibrance|vibrancy|colorfulness|color|colors|chroma', cue('noun', [S, 1]));
add('saturate|resaturate', cue('verb', [S, 1]));
add('desaturate|mute|unsaturate', cue('verb', [S, -1]));
add('oversaturated|over saturated', cue('excess', [S, 1]));
add('undersaturated', cue('excess', [S, -1]));
add('washed out', cue('adjective', [C, -1], [S, -1]));
// Colours off the blue–amber axis: the renderer has no tint axis, so "greener grass" and
// "less red skin" move colourfulness, the closest thing it can do.
add('green|red|pink|magenta|purple|violet|greens|reds|pinks|magentas|purples', cue('colour', [S, 1]));
add('greener|redder|pinker|greenish|reddish|pinkish|purplish', cue('comparative', [S, 1]));

// --- temperature ------------------------------------------------------------------------
add('warm|hot|golden|sunny|cozy', cue('adjective', [T, 1]));
add('warmer|hotter|sunnier', cue('comparative', [T, 1]));
add('cool|cold|icy|chilly|frosty|wintry', cue('adjective', [T, -1]));
add('cooler|colder|icier|chillier', cue('comparative', [T, -1]));
add('warmth|temperature|white balance|color temperature', cue('noun', [T, 1]));
add('coolness|coldness', cue('noun', [T, -1]));
add('warm up|heat up', cue('verb', [T, 1]));
add('cool down|cool off', cue('verb', [T, -1]));
// Colour words on the blue–amber axis are temperature: "bluer sky" is a cooler sky, and
// "less blue" a warmer one (README: decisions).
add('blue|cyan|teal|turquoise|blues|cyans|teals', cue('colour', [T, -1]));
add('bluer|bluish|blueish', cue('comparative', [T, -1]));
add('orange|yellow|amber|gold|oranges|yellows|ambers', cue('colour', [T, 1]));
add('yellower|oranger|orangey|orangish|yellowish', cue('comparative', [T, 1]));
add('cast|tint|hue|color cast', cue('cast'));
add('strong|high|heavy|stronger|heavier|overpowering|overwhelming', { kind: 'cue', form: 'level', effects: [], pole: 1 });
add('weak|low|faint|subtle|weaker|fainter|subtler', { kind: 'cue', form: 'level', effects: [], pole: -1 });

// --- emphasis ---------------------------------------------------------------------------
add('bring out|stand out|emphasize|emphasise|accentuate', cue('emphasis', [B, 1], [C, 1]));
add('pop|pops|popping', cue('emphasis', [C, 1], [S, 1]));

// --- generic verbs ----------------------------------------------------------------------
const up: VerbEntry = { kind: 'verb', sign: 1, fallback: { attribute: B, pole: 1 } };
const down: VerbEntry = { kind: 'verb', sign: -1, fallback: { attribute: B, pole: -1 } };
add('increase|boost|raise|lift|bump up|bump|crank up|crank|turn up|pump up|dial up|bring up|push|amplify|strengthen|heighten|intensify|boost up|increased|boosted|raised|lifted|pushed|intensified|amplified', up);
add('reduce|decrease|lower|drop|cut|tone down|turn down|dial down|dial back|pull back|pull down|bring down|knock down|tame|lessen|minimize|minimise|subdue|calm down|rein in|reduced|decreased|lowered|dropped|toned down|tamed', down);
add('add|give|put|introduce|inject', { kind: 'verb', sign: 1, additive: true });
add('remove|kill|eliminate|get rid of|neutralize|neutralise|take out|take away', { kind: 'verb', sign: -1 });
add('deepen', { kind: 'verb', sign: 1, fallback: { attribute: B, pole: -1 } });
add('enhance|improve|enrich', { kind: 'verb', sign: 1, weak: true });

// --- strength ---------------------------------------------------------------------------
add('slightly|a bit|a little|a little bit|a tiny bit|a touch|just a touch|a tad|a hair|a smidge|a hint|a wee bit|somewhat|subtly|gently|mildly|marginally|faintly|lightly|barely|a tiny amount|just a bit|just a little|ever so slightly', { kind: 'intensity', strength: STRENGTH.slight });
add('moderately|some|fairly|rather|quite|noticeably|a fair bit', { kind: 'intensity', strength: STRENGTH.plain });
add('much|a lot|a lot of|lots|lots of|very|really|significantly|considerably|substantially|strongly|heavily|greatly|seriously|way|far|super|a great deal|quite a bit|quite a lot|a whole lot|loads|tons|a ton', { kind: 'intensity', strength: STRENGTH.strong });
// "not so much contrast" is less contrast, not a lot of it.
add('so much|as much', { kind: 'filler' });
add('extremely|dramatically|drastically|massively|hugely|enormously|immensely|radically|insanely|incredibly|as much as possible|to the max|maximum|max|way way|really really|very very', { kind: 'intensity', strength: STRENGTH.extreme });

// --- modifiers --------------------------------------------------------------------------
add('more|extra|higher', { kind: 'modifier', modifier: 'more' });
add('less|fewer', { kind: 'modifier', modifier: 'less' });
add('too|overly|excessively', { kind: 'modifier', modifier: 'too' });
add('too much|too many', { kind: 'modifier', modifier: 'too-much' });
add('too little|not enough|lacks|lacking|lack|missing|could use more|could use some', { kind: 'modifier', modifier: 'lacking' });
add('not|never|no longer', { kind: 'modifier', modifier: 'not' });
add('enough', { kind: 'modifier', modifier: 'enough' });

// --- weak requests ----------------------------------------------------------------------
add('optimize|optimized|optimization|fix|fixed|correct|retouch|retouched|edit|beautify|polish|touch up|clean up|auto|automatic|automatically|autofix|autocorrect|autoenhance|usual|usually|always|magic|better|good|nice|great|beautiful|pretty|professional|amazing|perfect|best|lovely|gorgeous|stunning|awesome|natural|pleasing|appealing|attractive|balanced|preferences|preference|preferred|prefer|favorite|favourite|liking|settings|preset|presets|taste|style|default', { kind: 'weak' });

// --- what the four attributes cannot do --------------------------------------------------
add('sharpen|sharper|sharpness|sharp|blur|blurry|blurred|unblur|denoise|noise|noisy|grain|grainy|crop|rotate|straighten|erase|delete|smooth|smoothen|smoother|black and white|monochrome|grayscale|greyscale|sepia|vignette|resize|upscale|flip|mirror|replace|swap|focus|bokeh|hdr|filter|whiten|retouch the skin|red eye', { kind: 'unsupported' });

// --- structure --------------------------------------------------------------------------
add('except|except for|apart from|other than|excluding|aside from|but not|save for', { kind: 'except' });
add('image|photo|photograph|picture|pic|shot|scene|frame|portrait|everything|overall|whole|entire|all|all over|globally|throughout', { kind: 'global' });
add('it|them|they|its|this|that|these|those', { kind: 'pronoun' });
add('rest|everything else|the rest|all else|elsewhere', { kind: 'rest' });
add('is|are|was|were|looks|look|looked|seems|seem|seemed|appears|appear|feels|feel|got|gets|has|have|came out|comes out', { kind: 'copula' });
add('make|makes|making|should|needs|need|needed|want|wants|would|could|can|let|get|turn|go|become|be|to be|keep|i want|i would like', { kind: 'target' });
add('the|a|an|my|your|his|her|their|our|some of the|all the|all of the', { kind: 'determiner' });
add(',|;|.|!|?|and|but|then|also|plus|while|whereas|as well as|&', { kind: 'separator' });
add('please|over|ways|time|times|tone|tones|feeling|mood|vibe|version|result|effect|amount|level|levels|detail|details|area|areas|part|parts|side|spot|bits|thing|things|you|me|i|we|us|he|she|there|here|just|up|down|out|off|in|on|of|at|to|for|from|with|by|into|onto|under|around|near|inside|within|like|as|do|did|does|done|so|lot|bit|touch|little|tad|tiny|slight|even|still|again|now|bit of|kind of|sort of|maybe|perhaps|pls|thanks|thank you|hey|hi|okay|ok|can you|could you|would you|if|what|how|why|when|which|who|where|than|last|before|previous|else|sure|mine|myself|yourself|lightroom|instagram', { kind: 'filler' });

/** Longest phrase in the lexicon, in words. */
export const MAX_PHRASE_WORDS = Math.max(...[...LEXICON.keys()].map((k) => k.split(' ').length));

export function lookup(phrase: string): Entry | undefined {
  return LEXICON.get(phrase);
}

/** Every phrase with its entry: for the README's vocabulary tables and for tests. */
export function lexiconEntries(): readonly (readonly [string, Entry])[] {
  return [...LEXICON.entries()];
}
