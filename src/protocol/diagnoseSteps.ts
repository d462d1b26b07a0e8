// The steps of Test Connection, in the order a connection takes them. Each
// returns what it found or throws; runStep() times it and turns a throw into
// a failed result with its next step (diagnoseAdvice.ts). The network steps
// use the connection's own parts (routeFor, peekTls, RestClient,
// RequestChannel, logOn), so what passes here is what the extension does.
import { lookup as dnsLookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { DEFAULT_MAX_PAYLOAD } from './clientOptions';
import { adviceFor, StepFailure } from './diagnoseAdvice';
import type { DiagnoseInput, StepId, StepResult, StepStatus, NextAction } from './diagnoseTypes';
import { AuthenticationError, describeError, errorMessage, InvalidArgumentError } from './errors';
import { buildHandshakeUrl, checkRestUrl, checkWebSocketUrl } from './handshake';
import { logOn } from './logon';
import { proxyAuthenticationError, routeFor, type Route } from './network';
import { displayProxy } from './proxy';
import { RequestChannel } from './requestChannel';
import { RestClient } from './rest';
import { certificateError } from './tlsProblems';
import { peekTls } from './tlsPeek';

/** What the steps hand on to the ones after them. */
export interface DiagnoseRun {
  readonly input: DiagnoseInput;
  wsUrl?: URL;
  route?: Route;
  channel?: RequestChannel;
}

export interface Outcome {
  readonly status: StepStatus;
  readonly detail: string;
  readonly next?: string;
  readonly action?: NextAction;
}

export interface Step {
  readonly id: StepId;
  readonly title: string;
  run(run: DiagnoseRun): Promise<Outcome>;
}

/** A certificate that ends within this many days is worth a warning (a CA that renews at all renews before that). */
export const EXPIRY_WARNING_DAYS = 14;
const PINGS = 3;

const wsUrlOf = (run: DiagnoseRun): URL => run.wsUrl as URL;
const routeOf = (run: DiagnoseRun): Route => run.route as Route;
const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');
const portOf = (url: URL): number => Number(url.port || (url.protocol === 'wss:' || url.protocol === 'https:' ? 443 : 80));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout?.();
      reject(Object.assign(new Error(`${what}: no answer within ${Math.round(ms / 1000)} s.`), { code: 'ETIMEDOUT' }));
    }, ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e)),
    );
  });
}

const where: Step = {
  id: 'host',
  title: 'Where the extension runs',
  run: async ({ input }) => ({ status: 'info', detail: `On ${input.host.summary}. ${input.host.consequence}` }),
};

const settings: Step = {
  id: 'settings',
  title: 'Settings valid',
  run: async (run) => {
    const check = <T>(setting: string, fn: () => T): T => {
      try {
        return fn();
      } catch (err) {
        throw new StepFailure(`${setting}: ${errorMessage(err)}`, `Fix ${setting}.`, { kind: 'settings', setting });
      }
    };
    run.wsUrl = check('instamrkt.serverUrl', () => {
      const url = checkWebSocketUrl(run.input.serverUrl);
      if (url.hash !== '') throw new InvalidArgumentError('The server URL must not contain a # fragment.');
      return url;
    });
    const rest = check('instamrkt.restUrl', () => checkRestUrl(run.input.restUrl));
    return { status: 'passed', detail: `Server ${run.wsUrl.origin}, sign-in ${rest.origin}${run.input.usingEmulator ? ' (the local emulator)' : ''}.` };
  },
};

const proxy: Step = {
  id: 'proxy',
  title: 'Proxy',
  run: async (run) => {
    run.route = await routeFor(wsUrlOf(run), run.input.network);
    return { status: 'passed', detail: run.route.decision.reason.replace(/^./, (c) => c.toUpperCase()) };
  },
};

const dns: Step = {
  id: 'dns',
  title: 'Name resolved',
  run: async (run) => {
    const host = hostOf(wsUrlOf(run));
    const through = routeOf(run).decision.proxy;
    if (through) return { status: 'info', detail: `Not looked up here: the proxy ${displayProxy(through)} resolves ${host}.` };
    if (net.isIP(host)) return { status: 'passed', detail: `${host} is an address: nothing to look up.` };
    const find = run.input.lookup ?? (async (name: string) => (await dnsLookup(name, { all: true })).map((a) => a.address));
    const addresses = await withTimeout(find(host), run.input.timeoutMs, `Looking up ${host}`);
    return { status: 'passed', detail: `${host} → ${addresses.join(', ')}` };
  },
};

/** A plain TCP connection to host:port; resolves with the peer address. */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string> {
  const socket = net.connect({ host, port });
  const opened = new Promise<string>((resolve, reject) => {
    socket.once('connect', () => resolve(`${socket.remoteAddress ?? host}:${socket.remotePort ?? port}`));
    socket.once('error', reject);
  });
  return withTimeout(opened, timeoutMs, `Connecting to ${host}:${port}`).finally(() => socket.destroy());
}

type Tunnel = { connect(req: ClientRequest, opts: object): Promise<Duplex> };

/**
 * Asks the proxy for a tunnel with the route's own agent (https-proxy-agent: the
 * same credentials and proxy certificate check as the connection), without
 * TLS; resolves with the proxy's status code.
 */
async function proxyTunnel(route: Route, url: URL, timeoutMs: number): Promise<number> {
  const req = new EventEmitter() as ClientRequest;
  let status = 0;
  req.once('proxyConnect', (answer: { statusCode?: number }) => (status = answer.statusCode ?? 0));
  const socket = await withTimeout((route.agent as unknown as Tunnel).connect(req, { host: hostOf(url), port: portOf(url), secureEndpoint: false }), timeoutMs, 'Asking the proxy for a tunnel');
  socket.destroy();
  return status;
}

const tcp: Step = {
  id: 'tcp',
  title: 'TCP connect',
  run: async (run) => {
    const url = wsUrlOf(run);
    const route = routeOf(run);
    const target = `${url.hostname}:${portOf(url)}`;
    const through = route.decision.proxy;
    if (!through) return { status: 'passed', detail: `Connected to ${await tcpConnect(hostOf(url), portOf(url), run.input.timeoutMs)}.` };
    const source = route.decision.reason.match(/\(from ([^)]+)\)\.$/)?.[1] ?? 'http.proxy';
    const status = await proxyTunnel(route, url, run.input.timeoutMs).catch((err: unknown) => {
      const setting = source.startsWith('http.') ? { kind: 'settings', setting: source } as const : undefined;
      throw new StepFailure(`Could not reach the proxy ${displayProxy(through)}: ${describeError(err)}`, `Check ${source}: is the proxy running, and is its address right?`, setting);
    });
    if (status === 407) {
      const error = proxyAuthenticationError(route);
      throw new StepFailure(error.message, 'Give the proxy its credentials in http.proxy or http.proxyAuthorization.', { kind: 'settings', setting: 'http.proxy' });
    }
    if (status !== 200) throw new StepFailure(`The proxy ${displayProxy(through)} refused a tunnel to ${target} (HTTP ${status}).`, 'Ask whoever runs the proxy whether it allows this host and port, or check http.proxy.', { kind: 'settings', setting: 'http.proxy' });
    return { status: 'passed', detail: `The proxy ${displayProxy(through)} opened a tunnel to ${target}.` };
  },
};

const day = 24 * 60 * 60 * 1000;

const tls: Step = {
  id: 'tls',
  title: 'TLS',
  run: async (run) => {
    const url = wsUrlOf(run);
    if (url.protocol !== 'wss:') return { status: 'info', detail: `Not used: ${url.protocol}// to this machine is not encrypted.` };
    const d = await peekTls(url, routeOf(run), run.input.timeoutMs);
    const validTo = d.validTo ? d.validTo.toUTCString() : 'an unknown date';
    const about = `${d.protocol ?? 'TLS'}, certificate for ${d.names.join(', ') || d.subject || 'no name'}, issued by ${d.issuer ?? 'an unnamed issuer'}, valid until ${validTo}`;
    if (!d.authorized) {
      // The codes Node gives a refused certificate, with the names it is for (a wrong-host message lists them).
      const ipName = (n: string) => (net.isIP(n) ? `IP Address:${n}` : `DNS:${n}`);
      const refusal = Object.assign(new Error(d.authorizationError ?? 'certificate refused'), { code: d.authorizationError, cert: { subjectaltname: d.names.map(ipName).join(', ') } });
      const advice = adviceFor(certificateError(refusal, hostOf(url), { expiredOn: d.validTo }) ?? refusal, 'tls', run.input);
      throw new StepFailure(`${about}: not trusted. ${advice.detail}`, advice.next, advice.action);
    }
    const left = d.validTo ? d.validTo.getTime() - Date.now() : Infinity;
    if (left < (run.input.expiryWarningDays ?? EXPIRY_WARNING_DAYS) * day) {
      return { status: 'warning', detail: `${about}: trusted, but it expires in ${Math.max(0, Math.floor(left / day))} days.`, next: "The server's operator has to renew the certificate soon." };
    }
    return { status: 'passed', detail: `${about}: trusted.` };
  },
};

const rest: Step = {
  id: 'rest',
  title: 'REST reachable',
  run: async (run) => {
    const probe = await new RestClient(run.input.restUrl, { timeoutMs: run.input.timeoutMs, network: run.input.network }).probe();
    const origin = checkRestUrl(run.input.restUrl).origin;
    const over = `${probe.tls?.protocol ? ` over ${probe.tls.protocol}` : ''}${probe.decision.proxy ? ` through the proxy ${displayProxy(probe.decision.proxy)}` : ''}`;
    const fix = { next: 'Check instamrkt.restUrl: it must be the address of the Instamrkt sign-in API.', action: { kind: 'settings', setting: 'instamrkt.restUrl' } as const };
    if (probe.status !== 200) throw new StepFailure(`${origin} answered HTTP ${probe.status}${over}, not the sign-in page.`, fix.next, fix.action);
    if (!probe.xsrf) throw new StepFailure(`${origin} answered HTTP 200${over} without the _xsrf cookie that signing in needs.`, fix.next, fix.action);
    return { status: 'passed', detail: `${origin} answered HTTP 200${over}, with the sign-in cookie.` };
  },
};

const upgrade: Step = {
  id: 'upgrade',
  title: 'WebSocket upgrade',
  run: async (run) => {
    const url = wsUrlOf(run);
    const { account } = run.input;
    // Signed out: a made-up account, which a server must refuse (HTTP 401); that answer still proves the endpoint is there.
    const who = account ?? { userId: '0', sessionKey: randomBytes(16).toString('hex') };
    const channel = new RequestChannel(buildHandshakeUrl(url.href, who.userId, who.sessionKey), { maxPayload: DEFAULT_MAX_PAYLOAD, requestTimeoutMs: run.input.timeoutMs, route: routeOf(run) }, {
      onEvent: () => undefined,
      onProtocolError: () => undefined,
      onTimeout: () => undefined,
      onClose: () => undefined,
      log: () => undefined,
    });
    run.channel = channel;
    try {
      await channel.opened;
    } catch (err) {
      if (err instanceof AuthenticationError && !account) {
        return { status: 'passed', detail: `${url.origin} answered the upgrade and, without a sign-in, refused it (HTTP 401), as it should.` };
      }
      throw err;
    }
    return { status: 'passed', detail: `${url.origin} accepted the upgrade (HTTP 101)${account ? ' with the stored sign-in' : ''}.` };
  },
};

const logon: Step = {
  id: 'logon',
  title: 'Logon',
  run: async (run) => {
    const { account, accountUnreadable } = run.input;
    if (accountUnreadable !== undefined) return { status: 'skipped', detail: `The stored sign-in could not be read: ${accountUnreadable}`, next: 'Sign in again, then test again.', action: { kind: 'signIn' } };
    if (!account || !run.channel) return { status: 'skipped', detail: 'Not signed in: there is no stored sign-in to log on with.', next: 'Sign in, then test again.', action: { kind: 'signIn' } };
    await logOn(run.channel, () => undefined);
    return { status: 'passed', detail: `Logged on as user ${account.userId}.` };
  },
};

const ping: Step = {
  id: 'ping',
  title: 'Ping',
  run: async (run) => {
    const channel = run.channel;
    if (!run.input.account || !channel) return { status: 'skipped', detail: 'Needs a logon.' };
    const times: number[] = [];
    for (let i = 0; i < PINGS; i++) {
      const start = performance.now();
      await channel.send('ping', {}, ['pong'], {});
      times.push(performance.now() - start);
    }
    const median = [...times].sort((a, b) => a - b)[Math.floor(PINGS / 2)];
    return { status: 'passed', detail: `Round trip ${Math.round(median)} ms (median of ${PINGS}: ${times.map((t) => Math.round(t)).join(', ')} ms).` };
  },
};

export const STEPS: readonly Step[] = [where, settings, proxy, dns, tcp, tls, rest, upgrade, logon, ping];

export async function runStep(step: Step, run: DiagnoseRun): Promise<StepResult> {
  const start = performance.now();
  let outcome: Outcome;
  try {
    outcome = await step.run(run);
  } catch (err) {
    outcome = { status: 'failed', ...adviceFor(err, step.id, run.input) };
  }
  return { id: step.id, title: step.title, ...outcome, ms: performance.now() - start };
}
