// How the session drives the source service: a connection attaches the
// service to the client for the account it logged on as (the list is read and
// saved under that account), a lost one detaches it (the list stays, marked
// stale), it is cleared as soon as the status names another account (or
// none), and the server's broadcasts reach it. The saved lists of every
// account go at sign-out.
import { errorMessage, type Disposable, type Logger } from '../protocol';
import type { Session } from './session';
import { listOwner, type SourceService } from './sourceService';

export interface SavedLists {
  clearAll(): Promise<void>;
}

export function linkServiceToSession(session: Session, service: SourceService, saved: SavedLists, log: Logger): Disposable[] {
  return [
    session.onDidConnect((client) => {
      // Read now, when the connection is known to be this account's: never later, when another may be signed in.
      const { serverUrl, userId } = session.snapshot;
      service.attach(client, listOwner(serverUrl, userId)).catch((err: unknown) => log.error(`Could not read the source list: ${errorMessage(err)}`));
    }),
    session.onDidLoseConnection(() => service.detach()),
    session.onDidSignOut(() => saved.clearAll().catch((err: unknown) => log.warn(`Could not remove the saved source lists: ${errorMessage(err)}`))),
    // The list shown is always the account's the status names: it goes as soon as the status names another
    // user or server, or nobody (a sign-out, a change of account or of settings, a start over).
    session.onDidChange(({ serverUrl, userId }) => {
      if (service.owner !== listOwner(serverUrl, userId)) service.clear();
    }),
    session.onEvent((msg) => service.handleEvent(msg)),
  ];
}
