// logOn and readCodeTable on a real channel to the scripted server: what each
// answer (or silence) of the server becomes, with its cause kept, and what
// the log says about which answer it was.
import * as assert from 'node:assert/strict';
import { CodeTable, DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';
import { AuthenticationError, ConnectionFailedError, ConnectionLostError, RequestTimeoutError, ServerError } from '../../src/protocol/errors';
import { logOn, readCodeTable } from '../../src/protocol/logon';
import { routeFor } from '../../src/protocol/network';
import { RequestChannel } from '../../src/protocol/requestChannel';
import { ScriptedServer, send, startScriptedServer } from './support/scriptedServer';

describe('logOn and readCodeTable (scripted server)', () => {
  let server: ScriptedServer;
  let lines: string[];
  const channels: RequestChannel[] = [];
  const log = (level: string, message: string): void => {
    lines.push(`${level} ${message}`);
  };

  async function openChannel(requestTimeoutMs = 5000): Promise<RequestChannel> {
    const url = new URL(server.wsUrl);
    const hooks = { onEvent: () => undefined, onProtocolError: () => undefined, onTimeout: () => undefined, onClose: () => undefined, log: () => undefined };
    const channel = new RequestChannel(url, { maxPayload: 1 << 20, requestTimeoutMs, route: await routeFor(url, { env: {} }) }, hooks);
    channels.push(channel);
    await channel.opened;
    return channel;
  }

  beforeEach(async () => {
    lines = [];
    server = await startScriptedServer();
  });

  afterEach(async () => {
    for (const c of channels.splice(0)) c.close(new ConnectionLostError('test over'));
    await server.close();
  });

  describe('logOn', () => {
    it('logs "Logged on." at debug level on 100', async () => {
      await logOn(await openChannel(), log);
      assert.deepEqual(lines, ['debug Logged on.']);
    });

    it('goes on after 112 and logs at debug level that it was already logged on (112)', async () => {
      server.logonRes = 112;
      await logOn(await openChannel(), log);
      assert.deepEqual(lines, ['debug Already logged on (112): continuing.']);
    });

    it('turns a logon the server leaves unanswered into ConnectionFailedError naming logon and the time, caused by the RequestTimeoutError', async () => {
      server.logonRes = undefined;
      await assert.rejects(logOn(await openChannel(150), log), (e: unknown) => {
        assert.ok(e instanceof ConnectionFailedError, String(e));
        assert.match(e.message, /did not answer logon within .* while connecting/);
        assert.ok(e.cause instanceof RequestTimeoutError, 'the timeout is kept as the cause');
        return true;
      });
    });

    it("turns a 666 into AuthenticationError with the server's text, caused by the ServerError", async () => {
      server.logonRes = 666;
      await assert.rejects(logOn(await openChannel(), log), (e: unknown) => {
        assert.ok(e instanceof AuthenticationError, String(e));
        assert.equal(e.message, 'The server refused the logon: Session not valid');
        assert.ok(e.cause instanceof ServerError, 'the refusal is kept as the cause');
        return true;
      });
    });

    it('says only that the server refused the logon when a 110 carries no text', async () => {
      server.handler = (request, socket) => {
        if (request.op !== DEFAULT_OPS.logon) return false;
        send(socket, DEFAULT_RESPONSES.logon_fail);
        return true;
      };
      await assert.rejects(logOn(await openChannel(), log), (e: unknown) => e instanceof AuthenticationError && e.message === 'The server refused the logon.');
    });
  });

  describe('readCodeTable', () => {
    it('keeps the documented codes and warns when the server\'s table gives two names one code', async () => {
      server.opcodes = { opcodes: { ...DEFAULT_OPS, ping: DEFAULT_OPS.logon }, response_codes: DEFAULT_RESPONSES };
      const channel = await openChannel();
      await readCodeTable(channel, log);
      assert.equal(channel.codes, CodeTable.documented);
      assert.deepEqual(lines, ["warn Using the documented codes: the server's table gives two names one code."]);
    });

    it("uses the server's table when it is usable, and says so", async () => {
      server.opcodes = { opcodes: { ...DEFAULT_OPS, ping: 4001 }, response_codes: DEFAULT_RESPONSES };
      const channel = await openChannel();
      await readCodeTable(channel, log);
      assert.equal(channel.codes.op('ping'), 4001);
      assert.deepEqual(lines, ["info Using the server's code table."]);
    });
  });
});
