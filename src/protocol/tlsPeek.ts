// A look at a server's certificate without trusting it: one TLS handshake
// over the route the connection takes (direct, or through the proxy's
// tunnel) that accepts any certificate, reads it, and closes. Nothing is
// ever written to the connection, so nothing can reach a server that should
// not be trusted. For what a refused handshake does not say (when a
// certificate expired) and for a connection diagnostic.
import { EventEmitter } from 'node:events';
import type { ClientRequest } from 'node:http';
import { isIP } from 'node:net';
import * as tls from 'node:tls';
import { tlsDetails, type TlsDetails } from './tlsProblems';

type Tunnel = { connect(req: ClientRequest, opts: object): Promise<unknown> };

/** What peekTls needs of network.ts's Route (declared here, so that the two files do not import each other). */
export interface PeekRoute {
  readonly decision: { readonly proxy?: URL };
  readonly agent: unknown;
  readonly ca: string | string[] | undefined;
}

/** The certificate `url`'s server presents over `route`, and whether this computer trusts it. Rejects when no handshake completes in `timeoutMs`. */
export async function peekTls(url: URL, route: PeekRoute, timeoutMs = 10_000): Promise<TlsDetails> {
  // Stryker disable next-line Regex: a URL's hostname holds brackets only around an IPv6 address, first and last.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const options = { host, port, servername: isIP(host) ? undefined : host, ca: route.ca, rejectUnauthorized: false, secureEndpoint: true };
  const req = new EventEmitter() as ClientRequest;
  const socket = route.decision.proxy ? await (route.agent as unknown as Tunnel).connect(req, options) : tls.connect(options);
  if (!(socket instanceof tls.TLSSocket)) {
    // Stryker disable next-line OptionalChaining: the socket https-proxy-agent returns for a refused tunnel is a net.Socket, which has destroy().
    (socket as { destroy?(): void }).destroy?.();
    throw new Error(`The proxy did not open a tunnel to ${url.host}.`);
  }
  // Stryker disable next-line StringLiteral,CallExpression: https-proxy-agent 8 listens for it only to resume the tunnel's socket, which a handshake does not need (test: through the proxy's tunnel).
  req.emit('socket', socket);
  try {
    return await new Promise<TlsDetails>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`No TLS handshake with ${url.host} within ${timeoutMs} ms.`)), timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve(tlsDetails(socket));
      });
      socket.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  } finally {
    socket.destroy();
  }
}
