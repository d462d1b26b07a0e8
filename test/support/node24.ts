// A Node 24 for tools that need a newer Node than the machines' Node 20
// (StrykerJS 10 needs 22 or later): the one in code-server's install when that
// is complete, otherwise `node@24` from npm alone into .vscode-test/node-24/,
// once (marker file and lock as in provision.ts), so that a fresh clone can
// run `npm run test:mutation` without provisioning all of code-server first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, NODE_FOR_CODE_SERVER } from './paths';
import { checkNodeVersion, ensureCodeServer, isProvisioned, npmInstall, withLock, withoutNpmVariables } from './provision';

export interface NodeInstall {
  /** The Node 24 binary. */
  readonly node: string;
  /** The folder to put first on PATH so that `node` (and `#!/usr/bin/env node` scripts) is Node 24. */
  readonly binDir: string;
}

const installDir = path.join(cacheDir, `node-${NODE_FOR_CODE_SERVER}`);
const markerFile = path.join(installDir, '.complete');
const lockDir = path.join(cacheDir, `node-${NODE_FOR_CODE_SERVER}.lock`);

function describe(): NodeInstall {
  const binDir = path.join(installDir, 'node_modules', '.bin');
  return { node: path.join(binDir, 'node'), binDir };
}

/** Returns a Node 24, installing `node@24` first when neither install exists (under a minute). */
export async function ensureNode24(log: (line: string) => void = console.log): Promise<NodeInstall> {
  if (isProvisioned()) {
    const codeServer = await ensureCodeServer(log); // already complete: returns at once
    return { node: codeServer.node, binDir: path.dirname(codeServer.node) };
  }
  if (fs.existsSync(markerFile)) return describe();
  fs.mkdirSync(cacheDir, { recursive: true });
  await withLock(lockDir, `Node ${NODE_FOR_CODE_SERVER}`, log, async () => {
    if (fs.existsSync(markerFile)) return; // another process finished it while we waited
    const started = Date.now();
    log(`Installing Node ${NODE_FOR_CODE_SERVER} (npm package node@${NODE_FOR_CODE_SERVER}) into ${path.relative(process.cwd(), installDir)} (once)…`);
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.mkdirSync(installDir, { recursive: true });
    // Its own package.json keeps npm from installing into the repository; node@24's
    // preinstall (which fetches the platform binary package) must be allowed to run.
    const manifest = { name: `vscode-test-node-${NODE_FOR_CODE_SERVER}`, private: true, allowScripts: { node: true } };
    fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify(manifest, null, 2));
    const logFile = path.join(cacheDir, `node-${NODE_FOR_CODE_SERVER}.install.log`);
    fs.writeFileSync(logFile, '');
    await npmInstall(installDir, [`node@${NODE_FOR_CODE_SERVER}`], withoutNpmVariables(process.env), logFile, { log });
    checkNodeVersion(describe().node);
    fs.writeFileSync(markerFile, `${new Date().toISOString()}\n`);
    log(`Node ${NODE_FOR_CODE_SERVER} installed in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return describe();
}
