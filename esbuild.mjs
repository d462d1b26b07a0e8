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

// The extension only ever opens client sockets: bundle ws's client class
// without its server and stream wrappers (8 KB less to load at activation).
// The emulator keeps the whole package.
const wsClientOnly = {
  name: 'ws-client-only',
  setup(build) {
    build.onResolve({ filter: /^ws$/ }, () => ({ path: 'ws-client', namespace: 'ws-client-only' }));
    build.onLoad({ filter: /.*/, namespace: 'ws-client-only' }, () => ({
      contents: `const WebSocket = require(${JSON.stringify(wsClientFile)}); WebSocket.WebSocket = WebSocket; module.exports = WebSocket;`,
      resolveDir: process.cwd(),
      loader: 'js',
    }));
  },
};

const builds = [
  {
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...common.external, 'vscode'],
    plugins: [wsClientOnly],
    // Mark when the bundle starts and ends executing, so activate() can log how long loading took.
    banner: { js: 'globalThis.__instamrktLoadStart = performance.now();' },
    footer: { js: 'globalThis.__instamrktLoadEnd = performance.now();' },
  },
  { ...common, entryPoints: ['src/emulator/main.ts'], outfile: 'dist/emulator.js' },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
