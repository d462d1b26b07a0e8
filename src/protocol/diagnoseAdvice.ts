// What to do when a Test Connection step fails: the failure's own words, and
// a next step a person can take (with the setting or command that does it).
// The connection's typed errors already name the problem; a raw Node error
// (ECONNREFUSED, ENOTFOUND, a timeout) is read by its code.
import type { DiagnoseInput, NextAction, StepId } from './diagnoseTypes';
import { AuthenticationError, CertificateError, describeError, ProxyAuthenticationError, ProxyError } from './errors';

/** A step's own verdict, already worded. */
export class StepFailure extends Error {
  constructor(
    message: string,
    readonly next: string,
    readonly action?: NextAction,
  ) {
    super(message);
  }
}

export interface Advice {
  readonly detail: string;
  readonly next: string;
  readonly action?: NextAction;
}

const settings = (setting: string): NextAction => ({ kind: 'settings', setting });

/** The first Node error code in the cause chain. */
function codeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

function certificateAdvice(err: CertificateError): Omit<Advice, 'detail'> {
  if (err.atProxy) return { next: "Trust the proxy's certificate authority on this computer, or turn off http.proxyStrictSSL.", action: settings('http.proxyStrictSSL') };
  switch (err.problem) {
    case 'wrong-host':
      return { next: 'Check the host in instamrkt.serverUrl and instamrkt.restUrl.', action: settings('instamrkt.serverUrl') };
    case 'self-signed':
    case 'untrusted':
      return { next: "Add your network's certificate authority to this computer's trusted certificates (ask your IT department for it), then test again.", action: settings('http.systemCertificates') };
    case 'expired':
    case 'not-yet-valid':
      return { next: "Check this computer's date and time; if it is right, the server's operator has to renew the certificate." };
    default:
      return { next: "The server's operator has to replace the certificate." };
  }
}

export function adviceFor(err: unknown, step: StepId, input: DiagnoseInput): Advice {
  const detail = describeError(err);
  if (err instanceof StepFailure) return { detail: err.message, next: err.next, action: err.action };
  if (err instanceof CertificateError) return { detail, ...certificateAdvice(err) };
  if (err instanceof ProxyAuthenticationError) return { detail, next: "Give the proxy its credentials: http.proxy's user:password, or http.proxyAuthorization.", action: settings('http.proxy') };
  if (err instanceof ProxyError) {
    return err.source.startsWith('http.')
      ? { detail, next: `Fix or clear ${err.source}.`, action: settings(err.source) }
      : { detail, next: `Fix or unset the environment variable ${err.source} where VS Code is started.` };
  }
  if (err instanceof AuthenticationError) return { detail, next: 'Sign in again.', action: { kind: 'signIn' } };

  const setting = step === 'rest' ? 'instamrkt.restUrl' : 'instamrkt.serverUrl';
  switch (codeOf(err)) {
    case 'ECONNREFUSED':
      return input.usingEmulator
        ? { detail, next: 'The local emulator is not running: start it again.', action: { kind: 'startEmulator' } }
        : { detail, next: `Nothing accepts connections there: check the port in ${setting}, and that the server is up.`, action: settings(setting) };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NONAME':
      return { detail, next: `Check the host name in ${setting} and this computer's network; a network that only lets a proxy look names up needs http.proxy.`, action: settings(setting) };
    case 'ETIMEDOUT':
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return { detail, next: 'A firewall may block the port, or your network may require a proxy (http.proxy).', action: settings('http.proxy') };
    case 'ECONNRESET':
      return { detail, next: 'Something on the way (a firewall, a proxy) cut the connection: a network that requires a proxy needs http.proxy.', action: settings('http.proxy') };
    default:
      return { detail, next: 'Show the log for details, then test again.', action: { kind: 'showLog' } };
  }
}
