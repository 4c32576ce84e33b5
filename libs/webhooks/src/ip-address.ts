/**
 * IP addresses as bytes, and CIDR ranges over them: enough to classify resolved
 * addresses and match allowlist entries without trusting string forms (`::ffff:7f00:1`
 * and `::ffff:127.0.0.1` are the same address).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface IpAddress {
  readonly family: 4 | 6;
  /** 4 or 16 bytes, network order. */
  readonly bytes: Uint8Array;
}

export interface CidrRange {
  readonly address: IpAddress;
  readonly prefix: number;
}

function parseIPv4(text: string): Uint8Array {
  return Uint8Array.from(text.split('.').map(Number));
}

function parseIPv6(text: string): Uint8Array {
  const lastColon = text.lastIndexOf(':');
  let hex = text;
  if (text.includes('.', lastColon)) {
    // A trailing dotted quad (::ffff:1.2.3.4) is the last two 16-bit words.
    const [a, b, c, d] = parseIPv4(text.slice(lastColon + 1));
    hex = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const toWords = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const headWords = toWords(head);
  const tailWords = tail === undefined ? [] : toWords(tail);
  const zeros = new Array<number>(8 - headWords.length - tailWords.length).fill(0);
  const words = [...headWords, ...zeros, ...tailWords];
  const bytes = new Uint8Array(16);
  words.forEach((word, i) => {
    bytes[2 * i] = word >> 8;
    bytes[2 * i + 1] = word & 0xff;
  });
  return bytes;
}

/** Parses an IPv4 or IPv6 literal (brackets and a zone id such as `%eth0` allowed); undefined if it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  if (isIPv4(bare)) return { family: 4, bytes: parseIPv4(bare) };
  if (isIPv6(bare)) return { family: 6, bytes: parseIPv6(bare) };
  return undefined;
}

/** Parses `address/prefix`; a bare address is a range of one. Undefined if invalid. */
export function parseCidr(text: string): CidrRange | undefined {
  const [addressText, prefixText, extra] = text.split('/');
  if (extra !== undefined) return undefined;
  const address = parseIp(addressText);
  if (!address) return undefined;
  const bits = address.bytes.length * 8;
  if (prefixText === undefined) return { address, prefix: bits };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { address, prefix: Number(prefixText) };
}

export function inRange(ip: IpAddress, range: CidrRange): boolean {
  if (ip.family !== range.address.family) return false;
  for (let bit = 0; bit < range.prefix; bit += 8) {
    const span = Math.min(8, range.prefix - bit);
    const mask = (0xff << (8 - span)) & 0xff;
    const i = bit / 8;
    if ((ip.bytes[i] & mask) !== (range.address.bytes[i] & mask)) return false;
  }
  return true;
}

/** The IPv4 address carried in the given 4 bytes of an IPv6 address. */
export function embeddedIPv4(ip: IpAddress, offset: number): IpAddress {
  return { family: 4, bytes: ip.bytes.slice(offset, offset + 4) };
}

/** `::ffff:a.b.c.d` is the IPv4 address itself to every socket API; anything else as is. */
export function unmapIPv4(ip: IpAddress): IpAddress {
  const mapped = ip.family === 6 && ip.bytes.subarray(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return mapped ? embeddedIPv4(ip, 12) : ip;
}

export function formatIp(ip: IpAddress): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const words = Array.from({ length: 8 }, (_, i) => ((ip.bytes[2 * i] << 8) | ip.bytes[2 * i + 1]).toString(16));
  return words.join(':');
}
