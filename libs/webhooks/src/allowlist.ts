/**
 * The operator's exceptions to the private-address rule: hostnames (`hooks.internal`,
 * or `*.corp.example` for its subdomains), IP addresses and CIDR ranges, read from
 * `PERTOUCH_WEBHOOK_ALLOWLIST` (comma-separated). Empty by default: nothing private is reachable.
 */
import { envVar, parseEnv } from '@pertouch/contracts';
import { inRange, parseCidr, unmapIPv4, type CidrRange, type IpAddress } from './ip-address.js';

export interface WebhookAllowlist {
  /** Exact hostnames, lower-case, without a trailing dot. */
  readonly hosts: readonly string[];
  /** Suffixes from `*.example.com` entries, stored as `.example.com`. */
  readonly hostSuffixes: readonly string[];
  readonly ranges: readonly CidrRange[];
}

export const EMPTY_ALLOWLIST: WebhookAllowlist = { hosts: [], hostSuffixes: [], ranges: [] };

const HOSTNAME = /^(?:\*\.)?[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** `::ffff:10.0.0.0/104` is 10.0.0.0/8: addresses are unmapped before matching too. */
function unmapRange(range: CidrRange): CidrRange {
  const address = unmapIPv4(range.address);
  return address === range.address ? range : { address, prefix: Math.max(0, range.prefix - 96) };
}

/** Parses the comma-separated list; throws a TypeError naming every entry that is none of the three kinds. */
export function parseWebhookAllowlist(text: string | undefined): WebhookAllowlist {
  const hosts: string[] = [];
  const hostSuffixes: string[] = [];
  const ranges: CidrRange[] = [];
  const bad: string[] = [];
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '')) {
    const range = parseCidr(entry);
    if (range) ranges.push(unmapRange(range));
    else if (entry.includes('/') || !HOSTNAME.test(normaliseHost(entry))) bad.push(entry);
    else if (entry.startsWith('*.')) hostSuffixes.push(normaliseHost(entry.slice(1)));
    else hosts.push(normaliseHost(entry));
  }
  if (bad.length > 0) throw new TypeError(`not a hostname, IP address or CIDR range: ${bad.map((e) => JSON.stringify(e)).join(', ')}`);
  return { hosts, hostSuffixes, ranges };
}

export function hostAllowed(allowlist: WebhookAllowlist, host: string): boolean {
  const name = normaliseHost(host);
  return allowlist.hosts.includes(name) || allowlist.hostSuffixes.some((suffix) => name.endsWith(suffix));
}

export function addressAllowed(allowlist: WebhookAllowlist, ip: IpAddress): boolean {
  const address = unmapIPv4(ip);
  return allowlist.ranges.some((range) => inRange(address, range));
}

/** The variable, validated like every other start-up setting (contracts' parseEnv). */
export const WEBHOOK_ENV_SCHEMA = {
  PERTOUCH_WEBHOOK_ALLOWLIST: envVar.string(),
};

/** The allowlist from the environment; throws EnvConfigError naming the bad entries. */
export function loadWebhookAllowlist(env: Readonly<Record<string, string | undefined>> = process.env): WebhookAllowlist {
  let allowlist = EMPTY_ALLOWLIST;
  parseEnv(WEBHOOK_ENV_SCHEMA, env, (values) => {
    try {
      allowlist = parseWebhookAllowlist(values.PERTOUCH_WEBHOOK_ALLOWLIST);
      return [];
    } catch (error) {
      return [['PERTOUCH_WEBHOOK_ALLOWLIST', (error as Error).message]];
    }
  });
  return allowlist;
}
