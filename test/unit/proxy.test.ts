// The proxy decision (src/protocol/proxy.ts): which proxy a URL goes through
// and why, from VS Code's http.* settings and the environment. A table of
// cases, then a seeded property: no reason or problem ever shows a password.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { bypasses, displayProxy, proxyFor, type ProxyEnv, type ProxySettings } from '../../src/protocol/proxy';

const SEED = Number(process.env.FC_SEED ?? 42);
const PROD = 'wss://instamrkt.com:9999';

interface Case {
  readonly title: string;
  readonly url?: string;
  readonly settings?: ProxySettings;
  readonly env?: ProxyEnv;
  /** Expected proxy origin, or undefined for direct. */
  readonly proxy: string | undefined;
  readonly by?: 'extension' | 'vscode';
  readonly reason: RegExp;
  readonly problem?: RegExp;
}

const cases: Case[] = [
  { title: 'goes direct when nothing is set', proxy: undefined, reason: /^direct: no proxy is set in http\.proxy or the environment\.$/ },
  { title: 'uses http.proxy', settings: { proxy: 'http://proxy.corp:3128' }, proxy: 'http://proxy.corp:3128', reason: /^through the proxy http:\/\/proxy\.corp:3128 \(from http\.proxy\)\.$/ },
  { title: 'uses HTTPS_PROXY from the environment', env: { HTTPS_PROXY: 'http://env.proxy:8080' }, proxy: 'http://env.proxy:8080', reason: /from HTTPS_PROXY/ },
  { title: 'prefers https_proxy to HTTPS_PROXY, as VS Code does', env: { HTTPS_PROXY: 'http://upper:1', https_proxy: 'http://lower:2' }, proxy: 'http://lower:2', reason: /from https_proxy/ },
  { title: 'uses HTTP_PROXY for a wss:// target when no HTTPS_PROXY is set, as VS Code does', env: { HTTP_PROXY: 'http://plain.proxy:80' }, proxy: 'http://plain.proxy', reason: /from HTTP_PROXY/ },
  { title: 'prefers http.proxy to the environment', settings: { proxy: 'http://setting:1' }, env: { HTTPS_PROXY: 'http://env:2' }, proxy: 'http://setting:1', reason: /from http\.proxy/ },
  { title: 'ignores a blank http.proxy', settings: { proxy: '   ' }, env: { HTTPS_PROXY: 'http://env:2' }, proxy: 'http://env:2', reason: /from HTTPS_PROXY/ },
  { title: 'never proxies 127.0.0.1', url: 'ws://127.0.0.1:9999', settings: { proxy: 'http://p:1' }, proxy: undefined, reason: /^direct: 127\.0\.0\.1 is this machine/ },
  { title: 'never proxies the rest of 127.0.0.0/8', url: 'wss://127.0.0.2:9999', settings: { proxy: 'http://p:1' }, proxy: undefined, reason: /127\.0\.0\.2 is this machine/ },
  { title: 'never proxies ::1', url: 'wss://[::1]:9999', settings: { proxy: 'http://p:1' }, proxy: undefined, reason: /::1 is this machine/ },
  { title: 'never proxies localhost or a name under it', url: 'https://app.localhost', env: { HTTPS_PROXY: 'http://p:1' }, proxy: undefined, reason: /app\.localhost is this machine/ },
  { title: 'bypasses a host listed in http.noProxy', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com'] }, proxy: undefined, reason: /^direct: instamrkt\.com matches "instamrkt\.com" in http\.noProxy\.$/ },
  { title: 'bypasses a subdomain of a listed domain', url: 'https://api.instamrkt.com', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com'] }, proxy: undefined, reason: /matches "instamrkt\.com"/ },
  { title: 'does not take a listed domain for a suffix of another name', url: 'https://notinstamrkt.com', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com'] }, proxy: 'http://p:1', reason: /through the proxy/ },
  { title: 'lets a leading dot match the domain itself too', settings: { proxy: 'http://p:1', noProxy: ['.instamrkt.com'] }, proxy: undefined, reason: /matches "\.instamrkt\.com"/ },
  { title: 'bypasses only the listed port when one is given', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com:9999'] }, proxy: undefined, reason: /matches "instamrkt\.com:9999"/ },
  { title: 'does not bypass another port of a host listed with a port', url: 'https://instamrkt.com', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com:9999'] }, proxy: 'http://p:1', reason: /through the proxy/ },
  { title: 'compares a listed port with the scheme\'s default port', url: 'https://instamrkt.com', settings: { proxy: 'http://p:1', noProxy: ['instamrkt.com:443'] }, proxy: undefined, reason: /matches "instamrkt\.com:443"/ },
  { title: 'bypasses everything for *', settings: { proxy: 'http://p:1', noProxy: ['other.example', '*'] }, proxy: undefined, reason: /matches "\*"/ },
  { title: 'matches noProxy entries without regard to case and spaces', settings: { proxy: 'http://p:1', noProxy: ['  InstaMrkt.COM '] }, proxy: undefined, reason: /matches "InstaMrkt\.COM"/ },
  { title: 'matches an IPv6 address in brackets with its port', url: 'wss://[2001:db8::1]:9999', settings: { proxy: 'http://p:1', noProxy: ['[2001:db8::1]:9999'] }, proxy: undefined, reason: /matches/ },
  { title: 'uses NO_PROXY when http.noProxy is empty', settings: { proxy: 'http://p:1', noProxy: [] }, env: { NO_PROXY: 'other.example, instamrkt.com' }, proxy: undefined, reason: /matches "instamrkt\.com" in NO_PROXY/ },
  { title: 'prefers no_proxy to NO_PROXY, as VS Code does', settings: { proxy: 'http://p:1' }, env: { NO_PROXY: 'instamrkt.com', no_proxy: 'other.example' }, proxy: 'http://p:1', reason: /through the proxy/ },
  { title: 'ignores NO_PROXY once http.noProxy lists anything, as VS Code does', settings: { proxy: 'http://p:1', noProxy: ['other.example'] }, env: { NO_PROXY: 'instamrkt.com' }, proxy: 'http://p:1', reason: /through the proxy/ },
  { title: 'refuses an http.proxy that is not a URL, naming it', settings: { proxy: 'proxy.corp:3128' }, proxy: undefined, reason: /^refused: http\.proxy cannot be used\.$/, problem: /^http\.proxy "proxy\.corp:3128" is not a URL \(expected http:\/\/host:port\)\.$|uses proxy\.corp:/ },
  { title: 'refuses a SOCKS proxy the extension\'s own agent cannot use', settings: { proxy: 'socks5://proxy.corp:1080' }, proxy: undefined, reason: /refused/, problem: /uses socks5:\/\/ \(expected http:\/\/ or https:\/\/\)/ },
  { title: 'refuses a bad HTTPS_PROXY, naming the variable', env: { HTTPS_PROXY: 'ftp://p:1' }, proxy: undefined, reason: /refused: HTTPS_PROXY cannot be used/, problem: /^HTTPS_PROXY "ftp:\/\/p:1"/ },
  {
    title: 'says VS Code routes the connection under http.proxySupport "override"',
    settings: { proxy: 'http://p:1', support: 'override' },
    proxy: 'http://p:1',
    by: 'vscode',
    reason: /^VS Code routes this connection \(http\.proxySupport is "override"\): through the proxy/,
  },
  {
    title: 'models VS Code proxying 127.0.0.2 under "override": VS Code exempts only localhost, 127.0.0.1 and ::1',
    url: 'wss://127.0.0.2:9999',
    settings: { proxy: 'http://p:1', support: 'override' },
    proxy: 'http://p:1',
    by: 'vscode',
    reason: /through the proxy/,
  },
  { title: 'keeps the extension\'s own route to 127.0.0.1 under "override" (VS Code keeps the agent there)', url: 'wss://127.0.0.1:9999', settings: { proxy: 'http://p:1', support: 'override' }, proxy: undefined, by: 'extension', reason: /^direct: 127\.0\.0\.1/ },
  { title: 'says VS Code may still use the system proxy when nothing is set under "fallback"', settings: { support: 'fallback' }, proxy: undefined, by: 'vscode', reason: /VS Code may still use the system proxy settings/ },
  { title: 'accepts a SOCKS proxy VS Code routes itself', settings: { proxy: 'socks5://p:1080', support: 'override' }, proxy: 'socks5://p:1080', by: 'vscode', reason: /through the proxy socks5:\/\/p:1080/ },
  { title: 'decides itself under "on" and "off"', settings: { proxy: 'http://p:1', support: 'on' }, proxy: 'http://p:1', by: 'extension', reason: /^through the proxy/ },
];

describe('proxyFor', () => {
  for (const c of cases) {
    it(c.title, () => {
      const decision = proxyFor(c.url ?? PROD, c.settings ?? {}, c.env ?? {});
      assert.equal(decision.proxy === undefined ? undefined : displayProxy(decision.proxy), c.proxy);
      assert.equal(decision.by, c.by ?? 'extension');
      assert.match(decision.reason, c.reason);
      if (c.problem) assert.match(decision.problem?.message ?? '(no problem)', c.problem);
      else assert.equal(decision.problem, undefined);
    });
  }

  it('keeps the credentials of http.proxy in the URL it returns, and out of its reason and displayProxy', () => {
    const decision = proxyFor(PROD, { proxy: 'http://alice:s3cret-pw@proxy.corp:3128' }, {});
    assert.equal(decision.proxy?.username, 'alice');
    assert.equal(decision.proxy?.password, 's3cret-pw');
    assert.equal(displayProxy(decision.proxy!), 'http://proxy.corp:3128');
    assert.doesNotMatch(decision.reason, /alice|s3cret/);
  });

  it('never shows a password in a reason or a problem, whatever the settings and environment (property)', () => {
    const password = fc.stringMatching(/^[A-Za-z0-9]{6,12}$/).map((p) => `pw${p}`);
    const proxyText = fc.tuple(fc.constantFrom('http', 'https', 'socks5', 'ftp', ''), password, fc.constantFrom('proxy.corp:3128', '', 'x y')).map(([scheme, pw, rest]) => ({ pw, text: `${scheme}${scheme ? '://' : ''}user:${pw}@${rest}` }));
    const host = fc.constantFrom('instamrkt.com', '127.0.0.2', 'localhost', '[::1]', 'api.instamrkt.com');
    fc.assert(
      fc.property(proxyText, host, fc.boolean(), fc.constantFrom(undefined, 'override', 'on', 'fallback', 'off'), fc.array(fc.constantFrom('instamrkt.com', '*', '.corp', 'x:1'), { maxLength: 3 }), (proxy, h, fromEnv, support, noProxy) => {
        const settings: ProxySettings = { support: support as ProxySettings['support'], noProxy, proxy: fromEnv ? undefined : proxy.text };
        const decision = proxyFor(`wss://${h}:9999`, settings, fromEnv ? { HTTPS_PROXY: proxy.text } : {});
        assert.ok(!decision.reason.includes(proxy.pw), decision.reason);
        assert.ok(!(decision.problem?.message ?? '').includes(proxy.pw), decision.problem?.message);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('bypasses(): an entry that is not a host pattern matches nothing', () => {
    for (const entry of ['', ' ', 'a:b:c', '[::1', 'host:port']) assert.equal(bypasses(entry, 'host', '443'), false, entry);
  });
});

describe('proxyFor: the cases at the edges', () => {
  const override: ProxySettings = { support: 'override' };
  const envProxy: ProxyEnv = { HTTPS_PROXY: 'http://proxy.example:3128' };

  it('under http.proxySupport "override", goes direct to ::1 (VS Code never proxies it) but lets VS Code route 127.0.0.2', () => {
    const d = proxyFor('wss://[::1]:9000', override, envProxy);
    assert.equal(d.proxy, undefined);
    assert.equal(d.by, 'vscode');
    assert.match(d.reason, /direct: ::1 is this machine/);
    const other = proxyFor('wss://127.0.0.2:9000', override, envProxy);
    assert.equal(other.by, 'vscode');
    assert.equal(other.proxy?.host, 'proxy.example:3128');
  });

  it('under http.proxySupport "fallback", VS Code routes the connection too', () => {
    const d = proxyFor(PROD, { support: 'fallback' }, envProxy);
    assert.equal(d.by, 'vscode');
    assert.match(d.reason, /^VS Code routes this connection \(http.proxySupport is "fallback"\): /);
  });

  it('takes the proxy from HTTP_PROXY when it is the only variable set', () => {
    const d = proxyFor(PROD, {}, { HTTP_PROXY: 'http://upper.example:8080' });
    assert.equal(d.proxy?.host, 'upper.example:8080');
    assert.match(d.reason, /from HTTP_PROXY/);
  });

  it('matches a noProxy entry with a port against the default port of the scheme (443 for wss, 80 for ws)', () => {
    assert.equal(proxyFor('wss://instamrkt.com', { noProxy: ['instamrkt.com:443'] }, envProxy).proxy, undefined);
    assert.equal(proxyFor('wss://instamrkt.com', { noProxy: ['instamrkt.com:80'] }, envProxy).proxy?.host, 'proxy.example:3128');
    assert.equal(proxyFor('ws://instamrkt.com', { noProxy: ['instamrkt.com:80'] }, envProxy).proxy, undefined);
    assert.equal(proxyFor('https://instamrkt.com', { noProxy: ['instamrkt.com:443'] }, envProxy).proxy, undefined);
  });

  it('ignores blank http.noProxy entries: a list of blanks is no list, and NO_PROXY applies', () => {
    const d = proxyFor(PROD, { noProxy: [' ', ''] }, { ...envProxy, NO_PROXY: 'instamrkt.com' });
    assert.equal(d.proxy, undefined);
    assert.match(d.reason, /in NO_PROXY/);
  });

  it('says what is wrong with a proxy that is not a URL, or has no host, without its password', () => {
    const notUrl = proxyFor(PROD, { proxy: 'http://user:secret@bad host' }, {});
    assert.equal(notUrl.problem?.message, 'http.proxy "http://…@bad host" is not a URL (expected http://host:port).');
    const noHost = proxyFor(PROD, { proxy: 'socks5://', support: 'override' }, {});
    assert.equal(noHost.problem?.message, 'http.proxy "socks5://" has no host.');
    const scheme = proxyFor(PROD, { proxy: 'ftp://user:secret@proxy.example' }, {});
    assert.equal(scheme.problem?.message, 'http.proxy "ftp://…@proxy.example" uses ftp:// (expected http:// or https://).');
  });

  it('accepts every SOCKS scheme when VS Code routes the connection', () => {
    for (const scheme of ['socks', 'socks4', 'socks4a', 'socks5', 'socks5h']) {
      const d = proxyFor(PROD, { proxy: `${scheme}://proxy.example:1080`, support: 'override' }, {});
      assert.equal(d.problem, undefined, scheme);
      assert.equal(d.proxy?.protocol, `${scheme}:`);
    }
  });
});
