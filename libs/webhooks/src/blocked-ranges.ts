/**
 * Addresses a webhook must never reach (design.md §7: tenants never reach each other —
 * or our own network). A tenant controls the URL and its DNS, so every address the
 * host resolves to is checked, in every spelling the socket layer treats as the same.
 * IANA special-purpose registries: https://www.iana.org/assignments/iana-ipv4-special-registry
 * and https://www.iana.org/assignments/iana-ipv6-special-registry.
 */
import { embeddedIPv4, inRange, parseCidr, type CidrRange, type IpAddress } from './ip-address.js';

interface NamedRange {
  readonly range: CidrRange;
  readonly reason: string;
}

function builtIn(cidr: string): CidrRange {
  const range = parseCidr(cidr);
  if (!range) throw new Error(`bad built-in range ${cidr}`);
  return range;
}

function named(entries: readonly (readonly [string, string])[]): readonly NamedRange[] {
  return entries.map(([cidr, reason]) => ({ range: builtIn(cidr), reason }));
}

const BLOCKED_IPV4 = named([
  ['0.0.0.0/8', 'this-network (0.0.0.0/8)'],
  ['10.0.0.0/8', 'private (10.0.0.0/8)'],
  ['100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'],
  ['127.0.0.0/8', 'loopback (127.0.0.0/8)'],
  ['169.254.0.0/16', 'link-local, cloud metadata (169.254.0.0/16)'],
  ['172.16.0.0/12', 'private (172.16.0.0/12)'],
  ['192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0/24', 'documentation (192.0.2.0/24)'],
  ['192.88.99.0/24', '6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0/16', 'private (192.168.0.0/16)'],
  ['198.18.0.0/15', 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0/24', 'documentation (198.51.100.0/24)'],
  ['203.0.113.0/24', 'documentation (203.0.113.0/24)'],
  ['224.0.0.0/4', 'multicast (224.0.0.0/4)'],
  ['240.0.0.0/4', 'reserved, broadcast (240.0.0.0/4)'],
]);

/** IPv6 forms that carry an IPv4 address a router or the kernel will reach: judged by that address. */
const IPV4_CARRIERS: readonly { readonly range: CidrRange; readonly offset: number; readonly name: string }[] = [
  { range: builtIn('::ffff:0:0/96'), offset: 12, name: 'IPv4-mapped' },
  { range: builtIn('64:ff9b::/96'), offset: 12, name: 'NAT64' },
  { range: builtIn('2002::/16'), offset: 2, name: '6to4' },
];

const BLOCKED_IPV6 = named([
  ['::/128', 'unspecified (::)'],
  ['::1/128', 'loopback (::1)'],
  ['::/96', 'IPv4-compatible, deprecated (::/96)'],
  ['64:ff9b:1::/48', 'local-use NAT64 (64:ff9b:1::/48)'],
  ['100::/64', 'discard-only (100::/64)'],
  ['2001::/23', 'IETF protocol assignments, Teredo (2001::/23)'],
  ['2001:db8::/32', 'documentation (2001:db8::/32)'],
  ['3fff::/20', 'documentation (3fff::/20)'],
  ['fc00::/7', 'unique-local (fc00::/7)'],
  ['fe80::/10', 'link-local (fe80::/10)'],
  ['fec0::/10', 'site-local, deprecated (fec0::/10)'],
  ['ff00::/8', 'multicast (ff00::/8)'],
]);

/** Only 2000::/3 is routed global unicast; everything else in IPv6 is special or unassigned. */
const GLOBAL_UNICAST_IPV6 = builtIn('2000::/3');

/** Why `ip` is refused as a webhook target, or undefined when it is a public address. */
export function blockedReason(ip: IpAddress): string | undefined {
  if (ip.family === 4) return BLOCKED_IPV4.find(({ range }) => inRange(ip, range))?.reason;
  for (const carrier of IPV4_CARRIERS) {
    if (!inRange(ip, carrier.range)) continue;
    const inner = blockedReason(embeddedIPv4(ip, carrier.offset));
    return inner === undefined ? undefined : `${carrier.name} ${inner}`;
  }
  const listed = BLOCKED_IPV6.find(({ range }) => inRange(ip, range))?.reason;
  if (listed) return listed;
  return inRange(ip, GLOBAL_UNICAST_IPV6) ? undefined : 'reserved IPv6 (outside 2000::/3)';
}
