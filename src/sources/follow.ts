// Following another window: when the stored account for this server changes
// elsewhere (a sign-out or a sign-in in another VS Code window), this window
// does the same. Its own writes come back as change events too; the account
// manager recognises them and nothing happens.
import { errorMessage } from '../protocol';
import type { Account } from './account';
import type { Intent } from './lifecycle';
import type { SessionParts } from './sessionDeps';

export async function followElsewhere(parts: SessionParts, serverUrl: string): Promise<void> {
  const { accounts, link, feed, logger } = parts;
  if (serverUrl !== parts.endpoints().serverUrl) return;
  const before = parts.latest();
  // From the event's arrival until the decision below, no sign-in or renewal of this window may store.
  accounts.followStarted();
  let intent: Intent | undefined;
  let change: { stored: Account | undefined } | undefined;
  try {
    change = await accounts.changedElsewhere(serverUrl);
    // An intent of this window that began meanwhile is later than the change: it wins.
    if (!change || parts.latest() !== before || serverUrl !== parts.endpoints().serverUrl) return;
    intent = parts.begin('followElsewhere');
  } catch (err) {
    logger.warn(`Could not read the account another window changed: ${errorMessage(err)}`);
    return;
  } finally {
    accounts.followDone();
  }
  if (!intent.current) return; // disposed meanwhile
  const previous = accounts.held;
  const { stored } = change;
  link.close();
  accounts.adoptStored(stored);
  feed.lastError = undefined;
  if (!stored) {
    logger.info('Signed out in another window.');
    feed.publish();
    parts.signedOut();
    return;
  }
  logger.info('Signed in in another window.');
  if (previous && previous.userId !== stored.userId) parts.resetAccount();
  try {
    await parts.connect(intent);
  } catch (err) {
    // Superseded: the later intent shows its own outcome. Otherwise the status shows why; there is no caller to tell.
    if (intent.current) logger.debug(`Following the other window's sign-in: ${errorMessage(err)}`);
  }
}
