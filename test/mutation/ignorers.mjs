// Stryker ignorer plugins: whole kinds of equivalent mutants, recognised by the
// shape of the code (named in stryker.config.mjs under `ignorers`). A mutant
// they match counts as "Ignored" with the reason below, outside the score.
// One-off equivalents are marked in the source instead (see stryker.config.mjs).

const DEBUG_LEVELS = new Set(['debug', 'trace']);
const DEBUG_LOG_TEXT = 'Debug/trace log text only: no behaviour depends on it.';

/**
 * The message argument of a debug- or trace-level log call, else undefined:
 * `this.#log('debug', message)` in the client, `hooks.log('trace', message)`
 * in the request channel, `log('debug', message)` in logon.ts, `logger.debug(message)` /
 * `logger.trace(message)` elsewhere. Its text is read by a developer with the
 * log level turned up; no behaviour depends on it, and secrets are blanked by
 * the redactor in the logger, not here.
 */
function debugLogMessage(call) {
  const { callee, arguments: args } = call;
  const level = args[0];
  const atDebugLevel = level?.type === 'StringLiteral' && DEBUG_LEVELS.has(level.value);
  // log('debug', message): a Log function handed over (logon.ts).
  if (callee.type === 'Identifier') return callee.name === 'log' && atDebugLevel ? args[1] : undefined;
  if (callee.type !== 'MemberExpression' || callee.computed) return undefined;
  const { property } = callee;
  // this.#log('debug', message), hooks.log('trace', message).
  if ((property.type === 'PrivateName' && property.id.name === 'log') || (property.type === 'Identifier' && property.name === 'log')) {
    return atDebugLevel ? args[1] : undefined;
  }
  return property.type === 'Identifier' && DEBUG_LEVELS.has(property.name) ? args[0] : undefined;
}

/**
 * The call is judged when it is entered, before its arguments are: by the
 * time the message is entered, the instrumenter has already replaced the
 * level argument with its own mutant switch.
 */
function debugLogTextIgnorer() {
  const messages = new WeakSet();
  return {
    shouldIgnore(path) {
      if (path.isCallExpression()) {
        const message = debugLogMessage(path.node);
        if (message) messages.add(message);
        return undefined;
      }
      return messages.has(path.node) ? DEBUG_LOG_TEXT : undefined;
    },
  };
}

// What declareValuePlugin(PluginKind.Ignore, …) of @stryker-mutator/api returns, written out: StrykerJS is
// installed apart (.vscode-test/stryker-*), where this file cannot import it from.
export const strykerPlugins = [{ kind: 'Ignore', name: 'debug-log-text', value: debugLogTextIgnorer() }];
