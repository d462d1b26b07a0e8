// How one connection reaches its server, for the REST sign-in and the
// WebSocket alike: directly or through a CONNECT tunnel (the proxy decision
// of proxy.ts, carried out by https-proxy-agent, loaded only when a proxy is
// used), which CAs it trusts, and what its failures mean (a certificate
// problem, a proxy asking for credentials, an unreachable proxy or server).
import * as http from 'node:http';
import * as https from 'node:https';
import { CertificateError, ConnectionFailedError, describeError, ProxyAuthenticationError, ProxyError } from './errors';
import { displayProxy, proxyFor, type ProxyDecision, type ProxyEnv, type ProxySettings } from './proxy';
import { certificateError } from './tlsProblems';
import { peekTls } from './tlsPeek';

export interface NetworkOptions {
  /**
   * CAs (PEM) to trust instead of Node's default store: for tests and plain
   * Node. Leave it out in VS Code, where the host's store (Node's, the
   * system's and NODE_EXTRA_CA_CERTS) is what a user expects to be trusted.
   */
  ca?: string | string[];
  /** VS Code's http.* proxy settings; default none. */
  proxy?: ProxySettings;
  /** Default: process.env (HTTPS_PROXY, NO_PROXY, ...). */
  env?: ProxyEnv;
}

/** The way to one URL: the decision and the agent that carries it out. */
export interface Route {
  readonly decision: ProxyDecision;
  /**
   * A tunnelling agent when proxied, else a plain one: never undefined, so that
   * under http.proxySupport "on" VS Code keeps the extension's choice.
   */
  readonly agent: http.Agent;
  readonly ca: string | string[] | undefined;
}

function isSecure(url: URL): boolean {
  return url.protocol === 'https:' || url.protocol === 'wss:';
}

/**
 * Decides how to reach `url` and builds the agent. Rejects with ProxyError
 * when a proxy setting or variable cannot be used (nothing is guessed).
 */
export async function routeFor(url: URL, network: NetworkOptions = {}): Promise<Route> {
  const settings = network.proxy ?? {};
  const decision = proxyFor(url, settings, network.env ?? process.env);
  if (decision.problem) throw new ProxyError(`${decision.problem.message} Fix it or clear it to connect directly.`, decision.problem.source);
  if (!decision.proxy) return { decision, agent: isSecure(url) ? new https.Agent() : new http.Agent(), ca: network.ca };
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  const agent = new HttpsProxyAgent(decision.proxy, {
    headers: settings.authorization ? { 'Proxy-Authorization': settings.authorization } : {},
    // http.proxyStrictSSL is about the proxy's own certificate (an https:// proxy); the server's is always checked.
    rejectUnauthorized: settings.strictSSL !== false,
  });
  // What fails before the tunnel is open is the proxy's (its address, its certificate), not the server's: mark it.
  const connect = agent.connect.bind(agent);
  agent.connect = (req, opts) =>
    connect(req, opts).catch((err: unknown) => {
      if (err instanceof Error) proxyHopErrors.add(err);
      throw err;
    });
  return { decision, agent, ca: network.ca };
}

/** Errors raised while reaching the proxy itself. */
const proxyHopErrors = new WeakSet<Error>();

/**
 * A proxy's 407. Where the credentials go depends on who routes the
 * connection: VS Code's proxy support (seen in 1.139) sends the user:password
 * of http.proxy but not http.proxyAuthorization; the extension's agent sends both.
 */
export function proxyAuthenticationError(route: Route | undefined): ProxyAuthenticationError {
  const proxy = route?.decision.proxy ? displayProxy(route.decision.proxy) : undefined;
  return new ProxyAuthenticationError(
    `The proxy${proxy ? ` ${proxy}` : ''} requires authentication (HTTP 407), or refused the credentials it was given. Put the user name and password into http.proxy (http://user:password@host:port)${route?.decision.by === 'vscode' ? '' : ', or set http.proxyAuthorization'}.`,
    proxy,
  );
}

/** A failure to connect or to complete the TLS handshake, as a typed error naming the problem and the host (or the proxy). */
export function networkFailure(err: unknown, url: URL, route: Route | undefined, expiredOn?: Date): CertificateError | ConnectionFailedError {
  const proxy = route?.decision.proxy;
  const atProxy = proxy !== undefined && err instanceof Error && proxyHopErrors.has(err);
  const certificate = certificateError(err, (atProxy ? proxy : url).hostname.replace(/^\[|\]$/g, ''), { expiredOn, atProxy });
  if (certificate) return certificate;
  return new ConnectionFailedError(`Could not connect to ${atProxy ? `the proxy ${displayProxy(proxy)}` : url.host}: ${describeError(err)}`, undefined, { cause: err });
}

/**
 * A refused handshake does not say when the certificate expired: for an
 * expired server certificate, read its end date with a second handshake that
 * sends nothing (peekTls), so the message can say "expired on DATE". Any
 * other error is returned as it is; so is this one if the look fails.
 */
export async function withCertificateDate(error: Error, url: URL, route: Route, timeoutMs: number): Promise<Error> {
  if (!(error instanceof CertificateError) || error.problem !== 'expired' || error.atProxy) return error;
  const details = await peekTls(url, route, timeoutMs).catch(() => undefined);
  return (details?.validTo && certificateError(error.cause, error.host, { expiredOn: details.validTo })) || error;
}
