/**
 * The two ends of a chat-completions exchange that the parser and the judge share: an
 * image as the data URL a message carries, and an answer's text read against a schema.
 */
import type { z } from 'zod';
import { VlmFailure } from './client.js';

/** An encoded image as a base64 data URL (`image_url.url`). */
export function dataUrl(image: { readonly data: Uint8Array; readonly mediaType: string }): string {
  return `data:${image.mediaType};base64,${Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength).toString('base64')}`;
}

/** Some servers wrap JSON in a Markdown fence even when asked for JSON. */
function unfence(content: string): string {
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(content);
  return fenced ? fenced[1] : content;
}

/** The answer's JSON checked against `schema`; VlmFailure invalid_json or schema_mismatch otherwise. */
export function parseAnswer<T>(content: string, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(unfence(content));
  } catch {
    throw new VlmFailure('invalid_json', `the answer is not JSON: ${JSON.stringify(content.slice(0, 80))}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new VlmFailure('schema_mismatch', `the answer does not match the schema: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
