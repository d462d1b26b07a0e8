// The protocol layer's public face: what sources/, ui/ and benchmarks import.
export * from './errors';
export { CodeTable, DEFAULT_OPS, DEFAULT_RESPONSES } from './codes';
export type { OpName, ResName } from './codes';
export * from './messages';
export { buildHandshakeUrl, checkRestUrl, checkWebSocketUrl, handshakeDigest, isLoopbackHost, makeNonce, redactHandshakeUrl } from './handshake';
export { Emitter } from './events';
export type { Disposable, Event } from './events';
export { backoffDelay, DEFAULT_BACKOFF } from './backoff';
export type { BackoffOptions } from './backoff';
export { RestClient, DEFAULT_REST_TIMEOUT_MS } from './rest';
export type { LoginResult, RestOptions } from './rest';
export * from './client';
export { RequestQueue, rawEchoIds } from './requestQueue';
export type { Decision, NewRequest, PendingRequest } from './requestQueue';
export * from './hosting';
