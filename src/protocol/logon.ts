// What a freshly opened socket must do before it counts as connected: log on
// (a refusal is an authentication outcome, never retried on a timer), then
// learn that connection's own code table from get_opcodes.
import { CodeTable } from './codes';
import { AuthenticationError, ConnectionFailedError, describeError, formatDuration, ProtocolError, RequestTimeoutError, ServerError } from './errors';
import type { MessageOf } from './messages';
import type { Logger } from './clientOptions';
import type { RequestChannel } from './requestChannel';

type Log = (level: keyof Logger, message: string) => void;

/** A handshake request's failure as the attempt reports it: a timeout is the server not answering while connecting. */
function handshakeFailure(opName: string, error: unknown): Error {
  if (error instanceof RequestTimeoutError) return new ConnectionFailedError(`The server did not answer ${opName} within ${formatDuration(error.timeoutMs)} while connecting.`, undefined, { cause: error });
  return error as Error; // a channel's request only ever rejects with an Error
}

const refused = (text: string | undefined): string => (text ? `The server refused the logon: ${text}` : 'The server refused the logon.');

/** Logs on; rejects with AuthenticationError when the server refuses (110 or 666), with the server's text. */
export async function logOn(channel: RequestChannel, log: Log): Promise<void> {
  let reply: MessageOf<'logon_success' | 'logon_fail' | 'logon_fail_already_logged_in'>;
  try {
    reply = await channel.send('logon', {}, ['logon_success', 'logon_fail', 'logon_fail_already_logged_in'], {});
  } catch (error) {
    // A 666 to logon is the server refusing this account, not a network failure: retrying cannot help.
    if (error instanceof ServerError) throw new AuthenticationError(refused(error.text), { cause: error });
    throw handshakeFailure('logon', error);
  }
  if (reply.name === 'logon_fail') throw new AuthenticationError(refused(reply.body.text));
  log('debug', reply.name === 'logon_success' ? 'Logged on.' : 'Already logged on (112): continuing.');
}

/**
 * Sets the channel's codes to the server's table when it gives a usable one;
 * otherwise the channel keeps the documented codes it started with. Nothing
 * of an earlier connection's table is ever used. A refusal or a malformed
 * table is an answer (the connection stays in step); a timeout or a lost
 * socket fails the attempt.
 */
export async function readCodeTable(channel: RequestChannel, log: Log): Promise<void> {
  try {
    const table = await channel.send('get_opcodes', {}, ['opcodes'], {});
    const merged = CodeTable.documented.withServerTable(table.body.opcodes, table.body.response_codes);
    if (merged === CodeTable.documented) {
      log('warn', "Using the documented codes: the server's table gives two names one code.");
    } else {
      channel.codes = merged;
      log('info', "Using the server's code table.");
    }
  } catch (error) {
    if (!(error instanceof ServerError || error instanceof ProtocolError)) throw handshakeFailure('get_opcodes', error);
    log('warn', `Using the documented codes: could not read the server's code table: ${describeError(error)}`);
  }
}
