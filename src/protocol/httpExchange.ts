// One HTTP(S) request and its whole reply, over node:http(s) with the route's
// agent and CAs: the REST sign-in takes the same path as the WebSocket (same
// proxy tunnel, same trusted certificates). Not fetch: fetch takes no Node
// agent, and in VS Code 1.139 its patched fetch trusts the system store but
// not NODE_EXTRA_CA_CERTS, and reports a proxy's 407 as "Request was cancelled".
// No redirects are followed; the reply is capped; a 407 is the proxy's.
import * as http from 'node:http';
import * as https from 'node:https';
import { TLSSocket } from 'node:tls';
import { ConnectionFailedError, ProtocolError } from './errors';
import { networkFailure, proxyAuthenticationError, withCertificateDate, type Route } from './network';
import { tlsDetails, type TlsDetails } from './tlsProblems';

export interface Exchange {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Largest reply body read, in bytes. */
  maxBytes: number;
}

export interface Reply {
  status: number;
  /** The Set-Cookie lines. */
  cookies: string[];
  text: string;
  /** The TLS connection the reply came over (https only). */
  tls?: TlsDetails;
}

export function exchange(url: URL, route: Route, request: Exchange): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: request.method, headers: request.headers, agent: route.agent, ca: route.ca });
    const fail = (err: Error): void => {
      req.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new ConnectionFailedError(`Could not reach ${url.origin}: no reply within ${Math.round(request.timeoutMs / 1000)} s.`)), request.timeoutMs);
    const settle = <T>(f: (v: T) => void) => (v: T): void => {
      clearTimeout(timer);
      f(v);
    };
    req.on('error', settle((err: Error) => void withCertificateDate(networkFailure(err, url, route), url, route, request.timeoutMs).then(reject)));
    req.on('response', (res) => {
      if (res.statusCode === 407) {
        res.resume();
        settle(fail)(proxyAuthenticationError(route));
        return;
      }
      // Whatever agent carried it (VS Code may have put in its own), only a TLS socket has a certificate to describe.
      const tls = res.socket instanceof TLSSocket ? tlsDetails(res.socket) : undefined;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > request.maxBytes) settle(fail)(new ProtocolError(`The reply from ${url.pathname} is too large (over ${request.maxBytes} bytes).`));
        else chunks.push(chunk);
      });
      res.on('error', settle((err: Error) => reject(new ConnectionFailedError(`The connection broke while reading the reply from ${url.pathname} (HTTP ${res.statusCode}).`, res.statusCode, { cause: err }))));
      res.on('end', settle(() => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], text: Buffer.concat(chunks).toString('utf8'), tls })));
    });
    req.end(request.body);
  });
}
