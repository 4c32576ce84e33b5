/** The three Standard Webhooks headers, and reading them from any header container. */

export const WEBHOOK_ID_HEADER = 'webhook-id';
export const WEBHOOK_TIMESTAMP_HEADER = 'webhook-timestamp';
export const WEBHOOK_SIGNATURE_HEADER = 'webhook-signature';

/**
 * What `signWebhook` returns: set these on the request, names as written. A type alias,
 * not an interface, so it passes wherever a plain header record is expected.
 */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** Node's `IncomingHttpHeaders`, a plain record in any letter case, or a fetch `Headers`. */
export type HeaderSource =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | { get(name: string): string | null };

function hasGetter(headers: HeaderSource): headers is { get(name: string): string | null } {
  return typeof (headers as { get?: unknown }).get === 'function';
}

/** One header's value, case-insensitively; a repeated header counts as missing (ambiguous). */
export function readHeader(headers: HeaderSource, name: string): string | undefined {
  if (hasGetter(headers)) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    return value !== undefined && value.length === 1 ? value[0] : undefined;
  }
  return undefined;
}
