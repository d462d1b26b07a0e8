// How the session drives the source service: a connection attaches the
// service to the client (the list is read), a lost one detaches it (the list
// stays, marked stale), a sign-out or a change of account clears it, and the
// server's broadcasts reach it. The saved lists of every account go at sign-out.
import { errorMessage, type Disposable, type Logger } from '../protocol';
import type { Session } from './session';
import type { SourceService } from './sourceService';

export interface SavedLists {
  clearAll(): Promise<void>;
}

export function linkServiceToSession(session: Session, service: SourceService, saved: SavedLists, log: Logger): Disposable[] {
  return [
    session.onDidConnect((client) => {
      service.attach(client).catch((err: unknown) => log.error(`Could not read the source list: ${errorMessage(err)}`));
    }),
    session.onDidLoseConnection(() => service.detach()),
    session.onDidSignOut(() => {
      void service.clear();
      saved.clearAll().catch((err: unknown) => log.warn(`Could not remove the saved source lists: ${errorMessage(err)}`));
    }),
    session.onDidResetAccount(() => void service.clear()),
    session.onEvent((msg) => service.handleEvent(msg)),
  ];
}
