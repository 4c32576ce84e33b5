import { describe, expect, it } from 'vitest';
import { blockedReason } from './blocked-ranges.js';
import { formatIp, parseCidr, parseIp, unmapIPv4 } from './ip-address.js';

const reasonFor = (address: string) => {
  const ip = parseIp(address);
  if (!ip) throw new Error(`test address ${address} does not parse`);
  return blockedReason(ip);
};

describe('parseIp', () => {
  it('reads the IPv6 spellings of one address as the same bytes', () => {
    const forms = ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:0001', '[::ffff:127.0.0.1]'];
    for (const form of forms) expect(formatIp(parseIp(form)!)).toBe('0:0:0:0:0:ffff:7f00:1');
    expect(formatIp(unmapIPv4(parseIp('::ffff:7f00:1')!))).toBe('127.0.0.1');
    expect(formatIp(parseIp('fe80::1%eth0')!)).toBe('fe80:0:0:0:0:0:0:1');
    expect(formatIp(parseIp('1:2:3:4:5:6:7:8')!)).toBe('1:2:3:4:5:6:7:8');
  });

  it('refuses what is not an address', () => {
    for (const text of ['localhost', '127.1', '256.0.0.1', '1::2::3', '']) expect(parseIp(text)).toBeUndefined();
    for (const text of ['10.0.0.0/33', '10.0.0.0/-1', '10.0.0.0/8/8', 'example.com/8']) expect(parseCidr(text)).toBeUndefined();
  });
});

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.1', /private/],
    ['169.254.169.254', /cloud metadata/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.255', /carrier-grade NAT/],
    ['0.0.0.0', /this-network/],
    ['224.0.0.251', /multicast/],
    ['255.255.255.255', /broadcast/],
    ['::1', /loopback/],
    ['::', /unspecified/],
    ['fe80::1%eth0', /link-local/],
    ['fd12:3456::1', /unique-local/],
    ['fc00::1', /unique-local/],
    ['ff02::1', /multicast/],
    ['::ffff:127.0.0.1', /IPv4-mapped loopback/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped link-local/],
    ['64:ff9b::a00:1', /NAT64 private/],
    ['2002:7f00:1::', /6to4 loopback/],
    ['2001:db8::1', /documentation/],
    ['::7f00:1', /IPv4-compatible/],
    ['4000::1', /outside 2000::\/3/],
  ])('refuses %s', (address, reason) => {
    expect(reasonFor(address)).toMatch(reason);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.15.255.255', '172.32.0.0', '100.63.255.255', '100.128.0.0', '169.253.255.255', '192.169.0.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'])(
    'allows the public address %s',
    (address) => {
      expect(reasonFor(address)).toBeUndefined();
    },
  );
});
