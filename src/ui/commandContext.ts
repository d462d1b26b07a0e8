// What every command handler works with: the parts activate() built, handed
// to registerCommands() and on to the handlers of ui/commands.ts and
// ui/gameCommands.ts (its own file, so the two need not import each other).
import type { Config } from '../host/config';
import type { Log } from '../host/log';
import type { Notifier } from '../host/notifier';
import type { Redactor } from '../host/redact';
import type { Session } from '../sources/session';
import type { SourceService } from '../sources/sourceService';
import type { EmulatorMode } from './emulatorMode';
import type { FailureReporter } from './notices';
import type { SourcesView } from './sourcesView';
import type { TestConnectionDeps } from './testConnection';

export interface CommandContext {
  config: Config;
  session: Session;
  service: SourceService;
  view: SourcesView;
  log: Log;
  notifier: Notifier;
  reporter: FailureReporter;
  emulatorMode: EmulatorMode;
  /** Blanks known secrets in text the user sees (the sign-in prompts, the Test Connection report). */
  redactor: Redactor;
  /** The stored accounts, read only (Test Connection logs on with the one for its server). */
  store: TestConnectionDeps['store'];
  /** The extension's version, named in the Test Connection report. */
  version: string | undefined;
}
