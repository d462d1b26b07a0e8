// Bundles the extension and the emulator CLI. `--production` minifies and
// drops sourcemaps; the default (test) build keeps sourcemaps for stack traces.
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const wsClientFile = path.join(path.dirname(createRequire(import.meta.url).resolve('ws')), 'lib', 'websocket.js');

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: production,
  sourcemap: production ? false : 'linked',
  sourcesContent: false,
  logLevel: 'warning',
  // ws loads these native speed-ups only if present; the bundle must not need them.
  external: ['bufferutil', 'utf-8-validate'],
  legalComments: 'none',
  charset: 'utf8',
};

// `ws` as only the classes a bundle uses, in place of its whole package:
// `extra` names what is added to the client class (the server class, for the emulator).
function wsClasses(name, extra = '') {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: /^ws$/ }, () => ({ path: name, namespace: name }));
      build.onLoad({ filter: /.*/, namespace: name }, () => ({
        contents: `const WebSocket = require(${JSON.stringify(wsClientFile)}); WebSocket.WebSocket = WebSocket;${extra} module.exports = WebSocket;`,
        resolveDir: process.cwd(),
        loader: 'js',
      }));
    },
  };
}

// The extension only ever opens client sockets: bundle ws's client class
// without its server and stream wrappers (8 KB less to load at activation).
const wsClientOnly = wsClasses('ws-client-only');

// The emulator serves with permessage-deflate off (src/emulator/server.ts) and
// uses ws's EventEmitter API: the server class and the client class (each
// connection is one), with the same trims as the extension's (about 10 KB less
// in the VSIX).
const wsServerOnly = wsClasses('ws-server-only', ` WebSocket.WebSocketServer = require(${JSON.stringify(path.join(path.dirname(wsClientFile), 'websocket-server.js'))});`);

// The extension's client turns permessage-deflate off (see src/protocol/client.ts), so
// ws never builds its deflate class; it only reads the extension's name. Bundle that
// name instead of the zlib-based implementation (6 KB). Anything that did construct it
// would fail loudly rather than silently talk uncompressed.
const wsWithoutDeflate = {
  name: 'ws-without-deflate',
  setup(build) {
    build.onResolve({ filter: /^\.\/permessage-deflate$/ }, (args) =>
      path.dirname(args.importer) === path.dirname(wsClientFile) ? { path: 'permessage-deflate', namespace: 'ws-without-deflate' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'ws-without-deflate' }, () => ({
      contents: `module.exports = class PerMessageDeflate {
  static get extensionName() { return 'permessage-deflate'; }
  constructor() { throw new Error('permessage-deflate is not part of this bundle: the client is built with perMessageDeflate: false.'); }
};`,
      loader: 'js',
    }));
  },
};

// https-proxy-agent logs through `debug`, which reads DEBUG from the environment and
// brings supports-color, ms and has-flag (10 KB). The extension logs to its own
// channel, never to stderr: bundle a logger that does nothing.
const noDebug = {
  name: 'no-debug',
  setup(build) {
    build.onResolve({ filter: /^debug$/ }, () => ({ path: 'debug', namespace: 'no-debug' }));
    build.onLoad({ filter: /.*/, namespace: 'no-debug' }, () => ({ contents: 'module.exports = () => () => {};', loader: 'js' }));
  },
};

// The client uses ws's EventEmitter API (socket.on), never the WHATWG one
// (addEventListener, onopen, ...), and with permessage-deflate off ws never
// parses or formats a Sec-WebSocket-Extensions header (it refuses a server
// that sends one). Bundle stubs that fail loudly in place of those two
// modules (4 KB).
const wsUnusedParts = {
  name: 'ws-unused-parts',
  setup(build) {
    const stubs = {
      './event-target': `const no = () => { throw new Error('ws event-target API is not part of this bundle: use socket.on().'); };
module.exports = { EventTarget: { addEventListener: no, removeEventListener: no } };`,
      './extension': `const no = () => { throw new Error('ws extension negotiation is not part of this bundle: the client is built with perMessageDeflate: false.'); };
module.exports = { format: no, parse: no };`,
    };
    build.onResolve({ filter: /^\.\/(event-target|extension)$/ }, (args) =>
      path.dirname(args.importer) === path.dirname(wsClientFile) ? { path: args.path, namespace: 'ws-unused-parts' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'ws-unused-parts' }, (args) => ({ contents: stubs[args.path], loader: 'js' }));
  },
};

// The extension tunnels through a proxy itself only when VS Code lets it
// (http.proxySupport "on" or "off"; under the default "override" VS Code
// replaces its agent) and a proxy is set: most users never need
// https-proxy-agent. It is bundled apart, as dist/proxyAgent.js, and the
// extension's `import('https-proxy-agent')` becomes a require of that file
// on first use: activation never reads it (5 KB).
const proxyAgentApart = {
  name: 'proxy-agent-apart',
  setup(build) {
    build.onResolve({ filter: /^https-proxy-agent$/ }, () => ({ path: './proxyAgent.js', external: true }));
  },
};

// The WebSocket library is needed only from the first connect on
// (src/protocol/webSocketClass.ts imports it dynamically): bundled apart, as
// dist/ws.js, with the client-only trims above; the extension's import('ws')
// becomes a require of that file, so activation never evaluates it.
const wsApart = {
  name: 'ws-apart',
  setup(build) {
    build.onResolve({ filter: /^ws$/ }, () => ({ path: './ws.js', external: true }));
  },
};

// The sign-in prompts (src/ui/signInFlow.ts) run only when the user signs in:
// bundled apart as dist/signInFlow.js, required on first use (2 KB less at activation).
const signInFlowApart = {
  name: 'sign-in-flow-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/signInFlow(\.js)?$/ }, () => ({ path: './signInFlow.js', external: true }));
  },
};

// Test Connection (src/ui/testConnection.ts with the steps of src/protocol/diagnose.ts)
// runs only when asked: bundled apart as dist/diagnose.js, which the command
// requires on first use (src/ui/testConnectionLoader.ts). What crosses between the
// two bundles is plain data and functions, so the chunk's own copies of the
// protocol's classes never meet the extension's.
const diagnoseApart = {
  name: 'diagnose-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/testConnection(\.js)?$/ }, (args) =>
      path.basename(args.importer) === 'testConnectionLoader.ts' ? { path: './diagnose.js', external: true } : undefined,
    );
  },
};

// Closing a single game is not needed at activation: src/ui/closeGameFlow.ts
// is bundled apart as dist/closeGameFlow.js and its import() becomes a require
// of that file on the first Close Game. It imports only vscode and types.
const closeGameFlowApart = {
  name: 'close-game-flow-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/closeGameFlow\.js$/ }, () => ({ path: './closeGameFlow.js', external: true }));
  },
};

// Each module's `import vscode = require('vscode')` would stay a require call
// of its own (17 in dist/extension.js), and in the extension host every one
// goes through VS Code's module interceptor: about 0.17 ms each, measured in
// code-server, 3 ms of module evaluation in all. The bundle's modules share
// one small module instead, which requires 'vscode' once.
const oneVscodeRequire = {
  name: 'one-vscode-require',
  setup(build) {
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.namespace === 'vscode-once' ? { path: 'vscode', external: true } : { path: 'vscode', namespace: 'vscode-once' }));
    build.onLoad({ filter: /.*/, namespace: 'vscode-once' }, () => ({ contents: "module.exports = require('vscode');", loader: 'js' }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, 'vscode'],
    plugins: [oneVscodeRequire, wsApart, proxyAgentApart, signInFlowApart, diagnoseApart, closeGameFlowApart],
    // import() of a file left outside the bundle (dist/ws.js, dist/proxyAgent.js, dist/diagnose.js, dist/closeGameFlow.js) becomes a plain require, not Node's ESM loader.
    supported: { 'dynamic-import': false },
    // Mark when the bundle starts and ends executing, so activate() can log how long loading took.
    banner: { js: 'globalThis.__instamrktLoadStart = performance.now();' },
    footer: { js: 'globalThis.__instamrktLoadEnd = performance.now();' },
  },
  {
    ...common,
    stdin: { contents: "export { HttpsProxyAgent } from 'https-proxy-agent';", resolveDir: process.cwd(), sourcefile: 'proxyAgent.js', loader: 'js' },
    outfile: 'dist/proxyAgent.js',
    plugins: [noDebug],
  },
  {
    ...common,
    stdin: { contents: "module.exports = require('ws');", resolveDir: process.cwd(), sourcefile: 'ws.js', loader: 'js' },
    outfile: 'dist/ws.js',
    plugins: [wsClientOnly, wsWithoutDeflate, wsUnusedParts],
  },
  {
    ...common,
    entryPoints: ['src/ui/testConnection.ts'],
    outfile: 'dist/diagnose.js',
    external: [...common.external, 'vscode'],
    // The same dist/ws.js and dist/proxyAgent.js as the extension's.
    plugins: [wsApart, proxyAgentApart],
    supported: { 'dynamic-import': false },
  },
  { ...common, entryPoints: ['src/ui/signInFlow.ts'], outfile: 'dist/signInFlow.js', external: [...common.external, 'vscode'] },
  { ...common, entryPoints: ['src/ui/closeGameFlow.ts'], outfile: 'dist/closeGameFlow.js', external: [...common.external, 'vscode'] },
  { ...common, entryPoints: ['src/emulator/main.ts'], outfile: 'dist/emulator.js', plugins: [wsServerOnly, wsWithoutDeflate, wsUnusedParts] },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
