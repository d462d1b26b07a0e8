// Loads Test Connection (ui/testConnection.ts with the steps of
// protocol/diagnose.ts) on first use: the build bundles it apart as
// dist/diagnose.js, so activation never reads it.
import type * as TestConnection from './testConnection';

let loaded: Promise<typeof TestConnection> | undefined;

export function loadTestConnection(): Promise<typeof TestConnection> {
  loaded ??= import('./testConnection.js');
  return loaded;
}

/** Disposes what Test Connection registered, if it ever ran. */
export const testConnectionCleanup = {
  dispose(): void {
    void loaded?.then((m) => m.dispose());
  },
};
