import { EnvConfigError } from '@pertouch/contracts';
import { describe, expect, it, vi } from 'vitest';
import { checkWebhookTarget, EMPTY_ALLOWLIST, loadWebhookAllowlist, parseWebhookAllowlist, WebhookTargetError, type ResolveHost, type WebhookTargetRefusal } from './index.js';

/** A resolver that answers from a table, as DNS controlled by the tenant might. */
function fakeDns(table: Record<string, string[]>): ResolveHost {
  return vi.fn(async (host: string) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  });
}

const dns = fakeDns({
  'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
  'mixed.example.com': ['93.184.216.34', '10.0.0.5'],
  'metadata.example.com': ['169.254.169.254'],
  'mapped.example.com': ['::ffff:192.168.0.10'],
  'internal.corp': ['10.20.0.7'],
  'internal.corp.': ['10.20.0.7'],
  'api.internal.corp': ['10.20.0.8'],
  'empty.example.com': [],
});

async function refusal(url: string, allowlist = EMPTY_ALLOWLIST): Promise<WebhookTargetError> {
  const error = await checkWebhookTarget(url, { allowlist, resolve: dns }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WebhookTargetError)) throw new Error(`expected a refusal of ${url}, got ${String(error)}`);
  return error;
}
const reasonOf = async (url: string, allowlist = EMPTY_ALLOWLIST): Promise<WebhookTargetRefusal> => (await refusal(url, allowlist)).reason;

describe('checkWebhookTarget', () => {
  it('returns every vetted address of a public host', async () => {
    const target = await checkWebhookTarget('https://hooks.example.com/pertouch?x=1', { allowlist: EMPTY_ALLOWLIST, resolve: dns });
    expect(target.host).toBe('hooks.example.com');
    expect(target.url.pathname).toBe('/pertouch');
    expect(target.addresses).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
    ]);
  });

  it('refuses a host when any one of its addresses is private', async () => {
    expect(await reasonOf('https://mixed.example.com/')).toBe('private_address');
    expect(await reasonOf('https://metadata.example.com/latest/meta-data')).toBe('private_address');
    expect(await reasonOf('https://mapped.example.com/')).toBe('private_address');
  });

  it('keeps the internal address out of the message shown to tenants, but in the detail for logs', async () => {
    const error = await refusal('https://mixed.example.com/');
    expect(error.code).toBe('webhook_url_forbidden');
    expect(error.message).not.toContain('10.0.0.5');
    expect(error.detail).toContain('10.0.0.5');
  });

  it('refuses private IP literals in every spelling the URL parser accepts, without DNS', async () => {
    const resolve = vi.fn(dns);
    for (const url of ['http://127.0.0.1/', 'http://2130706433/', 'http://0x7f.1/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/', 'http://0/']) {
      const error = await checkWebhookTarget(url, { allowlist: EMPTY_ALLOWLIST, resolve }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(WebhookTargetError);
      expect((error as WebhookTargetError).reason, url).toBe('private_address');
    }
    expect(resolve).not.toHaveBeenCalled();
  });

  it('resolves with the system resolver by default (localhost is loopback)', async () => {
    const error = await checkWebhookTarget('http://localhost:8080/hook', { allowlist: EMPTY_ALLOWLIST }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebhookTargetError);
    expect((error as WebhookTargetError).reason).toBe('private_address');
    expect((error as WebhookTargetError).detail).toMatch(/loopback/);
  });

  it('refuses other schemes, credentials and garbage', async () => {
    expect(await reasonOf('ftp://hooks.example.com/')).toBe('unsupported_scheme');
    expect(await reasonOf('file:///etc/passwd')).toBe('unsupported_scheme');
    expect(await reasonOf('gopher://hooks.example.com/')).toBe('unsupported_scheme');
    expect(await reasonOf('https://user:pass@hooks.example.com/')).toBe('credentials_in_url');
    expect(await reasonOf('https://user@hooks.example.com/')).toBe('credentials_in_url');
    expect(await reasonOf('not a url')).toBe('invalid_url');
  });

  it('reports hosts that do not resolve as dns_failed (worth retrying)', async () => {
    expect(await reasonOf('https://nowhere.example.com/')).toBe('dns_failed');
    expect(await reasonOf('https://empty.example.com/')).toBe('dns_failed');
  });

  it('lets allowlisted hosts, wildcard domains, addresses and ranges through', async () => {
    const vet = (url: string, list: string) => checkWebhookTarget(url, { allowlist: parseWebhookAllowlist(list), resolve: dns });
    await expect(vet('http://internal.corp/hook', 'internal.corp')).resolves.toMatchObject({ addresses: [{ address: '10.20.0.7' }] });
    await expect(vet('http://INTERNAL.corp./hook', 'internal.corp')).resolves.toBeDefined();
    await expect(vet('http://api.internal.corp/hook', '*.internal.corp')).resolves.toBeDefined();
    await expect(vet('http://internal.corp/hook', '*.internal.corp')).rejects.toThrow(WebhookTargetError);
    await expect(vet('http://internal.corp/hook', '10.20.0.0/16')).resolves.toBeDefined();
    await expect(vet('http://internal.corp/hook', '10.20.0.8')).rejects.toThrow(WebhookTargetError);
    await expect(vet('http://127.0.0.1:9000/hook', '127.0.0.1')).resolves.toBeDefined();
    await expect(vet('http://mapped.example.com/', '192.168.0.0/24')).resolves.toBeDefined();
    // An allowlisted address does not excuse the host's other, unlisted private address.
    await expect(vet('https://mixed.example.com/', '10.0.0.6')).rejects.toThrow(WebhookTargetError);
  });
});

describe('the allowlist variable', () => {
  it('is empty when unset or blank', () => {
    expect(loadWebhookAllowlist({})).toEqual(EMPTY_ALLOWLIST);
    expect(loadWebhookAllowlist({ PERTOUCH_WEBHOOK_ALLOWLIST: '  ' })).toEqual(EMPTY_ALLOWLIST);
  });

  it('reads hostnames, wildcards, addresses and CIDRs', () => {
    const list = loadWebhookAllowlist({ PERTOUCH_WEBHOOK_ALLOWLIST: ' Hooks.Internal. , *.corp.example,127.0.0.1, 10.0.0.0/8,fd00::/8,' });
    expect(list.hosts).toEqual(['hooks.internal']);
    expect(list.hostSuffixes).toEqual(['.corp.example']);
    expect(list.ranges.map((r) => r.prefix)).toEqual([32, 8, 8]);
  });

  it('names every bad entry in one start-up error', () => {
    const load = () => loadWebhookAllowlist({ PERTOUCH_WEBHOOK_ALLOWLIST: 'ok.example, 10.0.0.0/40, http://x/, bad host' });
    expect(load).toThrow(EnvConfigError);
    expect(load).toThrow(/PERTOUCH_WEBHOOK_ALLOWLIST: .*"10\.0\.0\.0\/40".*"http:\/\/x\/".*"bad host"/);
  });
});
