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
export { bypasses, displayProxy, proxyFor } from './proxy';
export type { ProxyDecision, ProxyEnv, ProxySettings, ProxySupport } from './proxy';
export { networkFailure, proxyAuthenticationError, routeFor, withCertificateDate } from './network';
export { peekTls } from './tlsPeek';
export type { NetworkOptions, Route } from './network';
export { certificateError, certificateNames, tlsDetails } from './tlsProblems';
export type { CertificateContext, TlsDetails } from './tlsProblems';
export * from './client';
export { RequestQueue, rawEchoIds } from './requestQueue';
export type { Decision, NewRequest, PendingRequest } from './requestQueue';
export { characterCount, MAX_DESCRIPTION_LENGTH, MAX_SOURCE_NAME_LENGTH } from './limits';
export { isObj, timeValue } from './fields';
export type { Obj } from './fields';
// Test Connection's steps: only src/ui/testConnection.ts uses them, and it is bundled apart (dist/diagnose.js).
export { diagnose, formatReport, summarize } from './diagnose';
export type { DiagnoseInput, NextAction, StepId, StepResult, StepStatus } from './diagnose';
