// startEmulator(): one HTTP (or HTTPS) server on one port carrying the REST
// sign-in and the WebSocket API of a local Instamrkt, with state in memory or
// in a file. This module only wires the parts together and owns their lifecycle.
import * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import { createSecureContext } from 'node:tls';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { AUTO_LOGON_WINDOW_MS } from './accounts';
import { Connection, ConnectionRegistry } from './connections';
import { handleFrame } from './dispatch';
import { ActiveFaults, EmulatorFaultError, EmulatorFaults, copyFaults } from './faults';
import { OpEnvironment } from './ops';
import type { OpName } from '../protocol';
import { handleHttp } from './rest';
import { SeedName, addExtraUsers, seedState } from './seed';
import { EmulatorState, emptyState } from './state';
import { StateFileWriter, StateSaver, loadStateFile, noSaver, removeLeftoverTempFiles } from './stateFile';
import { Accepted, handleUpgrade, refuseUpgrade } from './upgrade';

export interface EmulatorUser {
  username: string;
  password: string;
  developer: boolean;
  id?: number;
}

export interface EmulatorOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Default 9999; 0 picks a free port. */
  port?: number;
  /** Starting data when there is no state file yet; default 'demo'. */
  seed?: SeedName;
  /** Keep all state in this JSON file; absent = memory only. */
  statePath?: string;
  /** Extra users, added at every start unless their username exists. */
  users?: EmulatorUser[];
  /** Clock in epoch ms (tests move it to expire sessions); default Date.now. */
  now?: () => number;
  log?: (line: string) => void;
  /** Told when a state-file write fails after start (the emulator keeps serving); default: `log`. */
  onStateWriteError?: (err: Error) => void;
  /**
   * A slow server, for tests of what a client does while waiting: the reply to
   * each named operation is held this many ms after the operation took effect
   * (and was saved). The connection's later requests wait behind it, as FIFO
   * replies require. The same as `faults.replyDelays` (give one, not both).
   */
  replyDelays?: Partial<Record<OpName, number>>;
  /** Fault modes in force from the start (see faults.ts and the README); default none. */
  faults?: EmulatorFaults;
  /**
   * Serve REST over https and the WebSocket over wss (same port) with this
   * certificate (chain) and its private key, both PEM. Absent: plain http/ws.
   */
  tls?: EmulatorTls;
}

export interface EmulatorTls {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface Emulator {
  /** REST base, e.g. http://127.0.0.1:9999 (https:// with `tls`) */
  url: string;
  /** WebSocket base, e.g. ws://127.0.0.1:9999 (wss:// with `tls`) */
  wsUrl: string;
  host: string;
  port: number;
  /** Closes the server and every socket; resolves when nothing listens and the state file is written. */
  close(): Promise<void>;
  /** Cuts every WebSocket abruptly (no close frame) and keeps listening. */
  dropConnections(): void;
  connectionCount(): number;
  /**
   * Replaces the fault modes in force (`{}`: a faithful server again). Applies
   * to every request the emulator starts handling from now on; a reply already
   * held or late keeps the faults it started with. Throws EmulatorFaultError
   * on a bad option, leaving the faults as they were.
   */
  setFaults(faults: EmulatorFaults): void;
  /** A copy of the fault modes in force, e.g. to add one: `setFaults({ ...emulator.faults(), refuseOpcodes: true })`. */
  faults(): EmulatorFaults;
}

/** Why startEmulator failed: a port already taken, a bad state file, or another listen error. */
export class EmulatorStartError extends Error {
  constructor(
    message: string,
    readonly reason: 'port-in-use' | 'state-file' | 'listen' | 'options' | 'tls',
  ) {
    super(message);
    this.name = 'EmulatorStartError';
  }
}

/** 1 MiB: ample for any request of this API, small enough that a hostile client cannot eat memory. */
const MAX_CLIENT_FRAME_BYTES = 1024 * 1024;

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

async function loadOrSeed(options: EmulatorOptions, now: number): Promise<EmulatorState> {
  let state: EmulatorState | undefined;
  if (options.statePath) {
    try {
      state = await loadStateFile(options.statePath);
      // A write cut short (kill -9) leaves its temp file; the state file itself is whole (rename is atomic).
      const removed = await removeLeftoverTempFiles(options.statePath);
      if (removed > 0) (options.log ?? (() => undefined))(`removed ${removed} temp file(s) left by an earlier run`);
    } catch (err) {
      throw new EmulatorStartError((err as Error).message, 'state-file');
    }
  }
  if (!state) {
    state = emptyState();
    seedState(state, options.seed ?? 'demo', now);
  }
  try {
    addExtraUsers(state, options.users ?? []);
  } catch (err) {
    throw new EmulatorStartError((err as Error).message, 'options');
  }
  return state;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') reject(new EmulatorStartError(`Port ${port} on ${host} is already in use.`, 'port-in-use'));
      else reject(new EmulatorStartError(`Cannot listen on ${host}:${port}: ${err.message}`, 'listen'));
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Throws EmulatorStartError ('tls') for a certificate or key Node cannot use, or a key that is not the certificate's. */
function checkTls(tls: EmulatorTls): void {
  try {
    createSecureContext({ cert: tls.cert, key: tls.key });
  } catch (err) {
    throw new EmulatorStartError(`The TLS certificate or key cannot be used: ${(err as Error).message}`, 'tls');
  }
}

function createServer(tls: EmulatorTls | undefined, handler: http.RequestListener): http.Server | https.Server {
  return tls ? https.createServer({ cert: tls.cert, key: tls.key }, handler) : http.createServer(handler);
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  const requestedPort = options.port ?? 9999;
  if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
    throw new EmulatorStartError(`Invalid port ${requestedPort}.`, 'options');
  }
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  if (options.replyDelays && options.faults?.replyDelays) throw new EmulatorStartError('Give replyDelays or faults.replyDelays, not both.', 'options');
  let faults: ActiveFaults;
  try {
    faults = ActiveFaults.from(options.replyDelays ? { ...options.faults, replyDelays: options.replyDelays } : (options.faults ?? {}));
  } catch (err) {
    if (err instanceof EmulatorFaultError) throw new EmulatorStartError(err.message, 'options');
    throw err;
  }
  // Before anything is read or written: a bad certificate stops the start with nothing changed.
  if (options.tls) checkTls(options.tls);
  const state = await loadOrSeed(options, now());
  const onStateWriteError = options.onStateWriteError ?? ((err: Error) => log(`could not write the state file: ${err.message}`));
  let saver: StateSaver = noSaver;
  if (options.statePath) {
    const writer = new StateFileWriter(options.statePath, state, onStateWriteError);
    // Written at once: the seed survives even if nothing changes, and an unwritable path stops the start.
    try {
      await writer.writeOrThrow();
    } catch (err) {
      throw new EmulatorStartError((err as Error).message, 'state-file');
    }
    saver = writer;
  }

  const registry = new ConnectionRegistry();
  const env: OpEnvironment = { state, registry, saver, now, log, faults: () => faults };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: false, clientTracking: false });
  const pendingUpgrades = new Set<Duplex>();
  let closing = false;

  const onOpen = (ws: WebSocket, accepted: Accepted): void => {
    const { user, sessionKey } = accepted;
    if (closing) {
      ws.terminate();
      return;
    }
    const conn = new Connection(ws, user.id, sessionKey, (err) => log(`connection task failed: ${String(err)}`));
    const lastOnline = user.lastOnlineAt;
    if (registry.hasLoggedOn(user.id) || (lastOnline !== undefined && now() - lastOnline < AUTO_LOGON_WINDOW_MS)) conn.loggedOn = true;
    registry.add(conn);
    log(`connected: user ${user.id}${conn.loggedOn ? ' (logged on automatically)' : ''}`);
    ws.on('message', (data, isBinary) => conn.enqueue(() => handleFrame(env, conn, data, isBinary)));
    ws.on('error', (err) => log(`socket error for user ${user.id}: ${err.message}`));
    ws.on('close', () => {
      registry.remove(conn);
      log(`disconnected: user ${user.id}`);
      if (conn.loggedOn && !closing) {
        user.lastOnlineAt = now();
        void saver.save();
      }
    });
  };

  const server = createServer(options.tls, (req, res) => void handleHttp(env, req, res));
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (closing) return refuseUpgrade(socket, 503, 'The emulator is shutting down.');
    pendingUpgrades.add(socket);
    socket.once('close', () => pendingUpgrades.delete(socket));
    handleUpgrade(env, wss, req, socket, head, (ws, accepted) => {
      pendingUpgrades.delete(socket);
      onOpen(ws, accepted);
    });
  });
  // A client that refuses our certificate (or speaks plain HTTP to the TLS port) ends its own attempt; we only note it.
  server.on('tlsClientError', (err: Error) => log(`TLS handshake failed: ${err.message}`));
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    socket.destroy();
  });

  const port = await listen(server, host, requestedPort);
  // After listening, a server error must be logged, never crash the process.
  server.on('error', (err) => log(`server error: ${err.message}`));
  const urlHost = hostForUrl(host);
  let closed: Promise<void> | undefined;

  const dropConnections = (): void => {
    for (const conn of registry.all()) conn.ws.terminate();
  };

  const secure = options.tls !== undefined;
  return {
    url: `${secure ? 'https' : 'http'}://${urlHost}:${port}`,
    wsUrl: `${secure ? 'wss' : 'ws'}://${urlHost}:${port}`,
    host,
    port,
    connectionCount: () => registry.size,
    dropConnections,
    setFaults: (next) => {
      faults = ActiveFaults.from(next);
    },
    faults: () => copyFaults(faults.options),
    close: () => {
      closed ??= (async () => {
        closing = true;
        // Users online at shutdown count as just seen, so a quick restart keeps auto-logon.
        for (const conn of registry.all()) {
          const user = state.users.get(conn.userId);
          if (conn.loggedOn && user) user.lastOnlineAt = now();
        }
        if (registry.size > 0) void saver.save();
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        dropConnections();
        for (const socket of pendingUpgrades) socket.destroy();
        server.closeAllConnections();
        wss.close();
        await serverClosed;
        await saver.flush();
      })();
      return closed;
    },
  };
}
