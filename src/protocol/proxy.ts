// Which proxy, if any, a connection to a URL goes through, and why: a pure
// function of VS Code's http.* proxy settings and the environment, the same
// for the REST sign-in and the WebSocket, and one a diagnostic can show.
//
// It follows the rules of VS Code's own proxy support (@vscode/proxy-agent,
// as seen in VS Code 1.139), so the extension and its host agree: a
// non-empty http.noProxy replaces NO_PROXY; http.proxy comes before
// https_proxy/HTTPS_PROXY/http_proxy/HTTP_PROXY; noProxy entries are host
// suffixes with an optional port, or `*`. One difference: the extension never
// proxies this machine's loopback (127.0.0.0/8, ::1, localhost), since a
// proxy would reach its own loopback, not ours; VS Code exempts only
// localhost, 127.0.0.1 and ::1. Under http.proxySupport "override" or
// "fallback", VS Code replaces the extension's agent for every host but
// localhost and 127.0.0.1 (seen in the host), so the decision is then
// VS Code's, reported as such (`by: 'vscode'`).
import { isLoopbackHost } from './handshake';

export type ProxySupport = 'off' | 'on' | 'fallback' | 'override';

/** VS Code's http.* proxy settings. */
export interface ProxySettings {
  /** http.proxy */
  proxy?: string;
  /** http.noProxy */
  noProxy?: readonly string[];
  /** http.proxyStrictSSL (default true): verify an https:// proxy's own certificate. Never weakens the check of the server's. */
  strictSSL?: boolean;
  /** http.proxyAuthorization: the Proxy-Authorization value sent to the proxy. */
  authorization?: string | null;
  /** http.proxySupport, in a VS Code host; absent in plain Node. */
  support?: ProxySupport;
}

/** The environment (process.env): https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY, no_proxy, NO_PROXY. */
export type ProxyEnv = Readonly<Record<string, string | undefined>>;

export interface ProxyDecision {
  /** The proxy to tunnel through; it may carry credentials, so show it with displayProxy(). Absent: direct. */
  proxy?: URL;
  /** Why, fit for a log line or a diagnostic report; never holds credentials. */
  reason: string;
  /** Who routes the connection: the extension's own agent, or VS Code's proxy support, which replaces that agent. */
  by: 'extension' | 'vscode';
  /** A proxy setting or variable that cannot be used: `source` names it. Nothing is guessed in its place. */
  problem?: { source: string; message: string };
}

const ENV_PROXIES = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'];
/** The hosts VS Code's proxy support never proxies. */
const VSCODE_DIRECT = ['localhost', '127.0.0.1', '::1', '::ffff:127.0.0.1'];

/** A proxy URL as it may be shown: scheme, host and port, never its user name or password. */
export function displayProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

export function proxyFor(target: URL | string, settings: ProxySettings, env: ProxyEnv): ProxyDecision {
  const url = typeof target === 'string' ? new URL(target) : target;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const vscode = (settings.support === 'override' || settings.support === 'fallback') && host !== 'localhost' && host !== '127.0.0.1';
  const by = vscode ? 'vscode' : 'extension';
  const prefix = vscode ? `VS Code routes this connection (http.proxySupport is "${settings.support}"): ` : '';
  const decide = (reason: string, proxy?: URL, problem?: ProxyDecision['problem']): ProxyDecision => ({ proxy, reason: prefix + reason, by, problem });

  if (vscode ? VSCODE_DIRECT.includes(host) : isLoopbackHost(host)) return decide(`direct: ${host} is this machine, never reached through a proxy.`);
  const port = url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80');
  const setting = (settings.noProxy ?? []).filter((entry) => entry.trim() !== '');
  const [entries, listName] = setting.length > 0 ? [setting, 'http.noProxy'] : [(env.no_proxy || env.NO_PROXY || '').split(','), 'NO_PROXY'];
  const entry = entries.find((e) => bypasses(e, host, port));
  if (entry !== undefined) return decide(`direct: ${host} matches "${entry.trim()}" in ${listName}.`);

  const envName = ENV_PROXIES.find((name) => env[name]?.trim());
  const source = settings.proxy?.trim() ? 'http.proxy' : envName;
  if (source === undefined) return decide(`direct: no proxy is set in http.proxy or the environment${vscode ? ' (VS Code may still use the system proxy settings)' : ''}.`);
  const raw = (source === 'http.proxy' ? settings.proxy : env[source])?.trim() ?? '';
  const proxy = parseProxy(raw, vscode);
  if (typeof proxy === 'string') return decide(`refused: ${source} cannot be used.`, undefined, { source, message: `${source} "${redactUserInfo(raw)}" ${proxy}` });
  return decide(`through the proxy ${displayProxy(proxy)} (from ${source}).`, proxy);
}

/**
 * One noProxy entry against a host and port: `*`; a host or domain suffix
 * (`example.com` and `.example.com` both match example.com and its
 * subdomains); either with `:port`; an IPv6 address in brackets.
 */
export function bypasses(entry: string, host: string, port: string): boolean {
  const e = entry.trim().toLowerCase();
  if (e === '*') return true;
  const m = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d+))?$/.exec(e);
  if (!m) return false;
  const name = m[1].replace(/^\[|\]$/g, '');
  const suffix = name.startsWith('.') ? name : `.${name}`;
  return `.${host}`.endsWith(suffix) && (m[2] === undefined || m[2] === port);
}

/** The proxy URL, or why it cannot be used. VS Code itself also speaks SOCKS; the extension's own agent only HTTP(S) CONNECT. */
function parseProxy(raw: string, vscode: boolean): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'is not a URL (expected http://host:port).';
  }
  const schemes = vscode ? ['http:', 'https:', 'socks:', 'socks4:', 'socks4a:', 'socks5:', 'socks5h:'] : ['http:', 'https:'];
  if (!schemes.includes(url.protocol)) return `uses ${url.protocol}// (expected http:// or https://).`;
  if (url.hostname === '') return 'has no host.';
  return url;
}

/** A URL-ish text without its `user:password@` part: everything up to the last @ (a password may hold any character). */
function redactUserInfo(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)?.*@/is, '$1…@');
}
