/**
 * The chat-completions request: a system prompt with the vocabulary and the strength
 * scale, the instruction (and the photo as a base64 data URL) as the user message, and
 * the parse result's JSON schema as `response_format`.
 */
import type { ParseContext } from '../context.js';
import { parseResultJsonSchema } from '../schema.js';
import { STRENGTH } from '../strength.js';
import type { VlmConfig } from './config.js';
import { dataUrl } from './message.js';

export const SYSTEM_PROMPT = `You turn one photo-retouching instruction into JSON for PerTouch, which edits four attributes per region of a photo.

Attributes (the only four):
- brightness: exposure, light/dark, lighten/darken.
- contrast: punchy/crisp/dramatic (+), flat/soft/hazy (-).
- colorfulness: saturation, vibrance, vivid/rich (+), muted/dull/pale/desaturated (-). Colours off the blue-amber axis (green, red, pink, purple) are colorfulness: "greener grass" = more colorful, "less red skin" = less colorful.
- temperature: the blue-amber white balance; positive = warmer (orange, yellow, golden), negative = cooler (blue, cyan). "Bluer sky" = cooler sky, "less blue" = warmer; a yellow cast is removed by cooling.

delta: the signed change in parameter units. ${STRENGTH.slight} for "slightly / a bit / a touch / a little", ${STRENGTH.plain} when no strength is said, ${STRENGTH.strong} for "much / a lot / very / significantly / way too", ${STRENGTH.extreme} for "extremely / dramatically / as much as possible".
Complaints ask for the opposite of what they describe: "the face is too dark" → face brightness +${STRENGTH.plain}; "the skin looks too orange" → skin temperature -${STRENGTH.plain}; "it looks flat" → contrast +${STRENGTH.plain}. Negation too: "not so dark" → brightness +${STRENGTH.plain}.
Several requests give several edits: "darker and less saturated" → two edits.

region: "global" for the whole photo; otherwise one of: sky, cloud, water, vegetation, ground, road, building, person, face, skin, hair, animal, vehicle, subject, background, shadows, highlights (use these for their synonyms: trees/grass → vegetation, sea/lake → water, woman/kids → person, foreground/main subject → subject, dark areas → shadows); any other object in the lower-case singular ("eagle", "shirt", "car").
except: for "everything except X" use region "global" with except ["X"].
box: only for an object noun you can see in the photo: its bounding box in image pixels {x0, y0, x1, y1}, x1 and y1 exclusive. Leave it out otherwise.

type: "weak" with edits [] when the instruction names no specific change ("optimize", "make it look good", "auto", "fix it", "the way I usually like"); otherwise "strong" with at least one edit.
notes: optional, short, only for a reading that could go two ways or something you ignored (sharpening, cropping and the like are not possible).

Answer with one JSON object that matches the schema, nothing else.`;

export const RESPONSE_FORMAT_NAME = 'pertouch_instruction';

function userText(instruction: string, context: ParseContext | undefined): string {
  const lines = [`Instruction: ${JSON.stringify(instruction)}`];
  const image = context?.image;
  if (image?.width !== undefined && image.height !== undefined) lines.push(`The photo is ${image.width}×${image.height} pixels.`);
  if (context?.regionLabels && context.regionLabels.length > 0) lines.push(`Regions found in the photo: ${[...new Set(context.regionLabels)].join(', ')}.`);
  return lines.join('\n');
}

export function chatRequestBody(config: Pick<VlmConfig, 'model'>, instruction: string, context?: ParseContext): Record<string, unknown> {
  const content: unknown[] = [{ type: 'text', text: userText(instruction, context) }];
  if (context?.image) content.push({ type: 'image_url', image_url: { url: dataUrl(context.image) } });
  return {
    model: config.model,
    temperature: 0,
    messages: [
      { role: 'system', content: SYSTEM_PROMPT },
      { role: 'user', content },
    ],
    // strict: false because OpenAI's strict mode requires every property to be required;
    // the answer is validated against the zod schema either way.
    response_format: { type: 'json_schema', json_schema: { name: RESPONSE_FORMAT_NAME, schema: parseResultJsonSchema(), strict: false } },
  };
}
