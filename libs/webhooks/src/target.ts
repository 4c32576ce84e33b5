/**
 * The SSRF guard: before anything is sent, a webhook URL's host is resolved and every
 * address it resolves to is checked. Delivery then connects to one of these vetted
 * addresses (deliver.ts), so a DNS answer that changes in between cannot redirect it.
 */
import { lookup } from 'node:dns/promises';
import { addressAllowed, hostAllowed, type WebhookAllowlist } from './allowlist.js';
import { blockedReason } from './blocked-ranges.js';
import { parseIp } from './ip-address.js';

export interface VettedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

export interface VettedTarget {
  readonly url: URL;
  /** The URL's host without IPv6 brackets; what TLS checks the certificate against. */
  readonly host: string;
  /** Every address the host resolved to, all checked; deliver to any of them. */
  readonly addresses: readonly VettedAddress[];
}

/**
 * Why a target was refused. `dns_failed` may be temporary (worth the normal retry);
 * the others are permanent for that URL.
 */
export type WebhookTargetRefusal = 'invalid_url' | 'unsupported_scheme' | 'credentials_in_url' | 'dns_failed' | 'private_address';

export class WebhookTargetError extends Error {
  override readonly name = 'WebhookTargetError';
  /** The API's problem code for a refused webhook URL (contracts' API_ERROR_CODES). */
  readonly code = 'webhook_url_forbidden';
  /**
   * `message` is safe to show the tenant; `detail` (for logs only) may name an internal
   * address, which would tell a tenant probing with names like `redis` what our network holds.
   */
  constructor(
    readonly reason: WebhookTargetRefusal,
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
  }
}

export type ResolveHost = (host: string) => Promise<readonly { address: string; family: number }[]>;

/** All A and AAAA answers, as the operating system's resolver gives them. */
export const resolveWithDns: ResolveHost = (host) => lookup(host, { all: true, verbatim: true });

export interface CheckWebhookTargetOptions {
  readonly allowlist: WebhookAllowlist;
  /** Default: node:dns/promises lookup with `all: true`. Tests pass a fake. */
  readonly resolve?: ResolveHost;
}

function parseTarget(url: string | URL): URL {
  try {
    return new URL(url);
  } catch {
    throw new WebhookTargetError('invalid_url', 'webhook URL is not a valid URL');
  }
}

async function resolveAll(host: string, resolve: ResolveHost): Promise<VettedAddress[]> {
  // The WHATWG parser already turned 0x7f.1 or 2130706433 into 127.0.0.1, so literals are caught here.
  const literal = parseIp(host);
  if (literal) return [{ address: host, family: literal.family }];
  let answers: readonly { address: string; family: number }[];
  try {
    answers = await resolve(host);
  } catch (error) {
    throw new WebhookTargetError('dns_failed', `webhook host ${host} did not resolve (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (answers.length === 0) throw new WebhookTargetError('dns_failed', `webhook host ${host} has no addresses`);
  return answers.map(({ address }) => {
    const ip = parseIp(address);
    if (!ip) throw new WebhookTargetError('dns_failed', `webhook host ${host} resolved to a non-address ${JSON.stringify(address)}`);
    return { address, family: ip.family };
  });
}

/**
 * Vets a webhook URL: http or https only, no user:password@, and — unless the host or
 * the address is on the allowlist — refuses when ANY resolved address is private,
 * loopback, link-local, CGNAT, multicast or otherwise reserved (one bad answer among
 * good ones is enough, since the connection could pick it). Throws WebhookTargetError.
 */
export async function checkWebhookTarget(url: string | URL, options: CheckWebhookTargetOptions): Promise<VettedTarget> {
  const target = parseTarget(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new WebhookTargetError('unsupported_scheme', `webhook URL must be http or https, not ${target.protocol}`);
  if (target.username !== '' || target.password !== '') throw new WebhookTargetError('credentials_in_url', 'webhook URL must not contain credentials');
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = await resolveAll(host, options.resolve ?? resolveWithDns);
  if (!hostAllowed(options.allowlist, host)) {
    for (const { address } of addresses) {
      const ip = parseIp(address);
      const reason = ip && blockedReason(ip);
      if (ip && reason && !addressAllowed(options.allowlist, ip)) {
        throw new WebhookTargetError(
          'private_address',
          'webhook URL resolves to a private or reserved address',
          `${host} resolves to ${address}: ${reason}; not in PERTOUCH_WEBHOOK_ALLOWLIST`,
        );
      }
    }
  }
  return { url: target, host, addresses };
}
