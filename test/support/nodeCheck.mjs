// The first thing every harness entry does: check that this Node is one the
// tooling supports (package.json `engines.node`), and otherwise say in one
// line which Node is needed and why, before a confusing failure further on.
import * as fs from 'node:fs';

const manifest = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const wanted = /^>=\s*(\d+)\.(\d+)/.exec(manifest.engines?.node ?? '');
if (wanted) {
  const [major, minor] = process.versions.node.split('.').map(Number);
  const [needMajor, needMinor] = [Number(wanted[1]), Number(wanted[2])];
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    console.error(
      `This is Node ${process.versions.node}; the build and test tooling (TypeScript, ESLint 9, mocha 12, vsce, the harness) needs Node ${needMajor}.${needMinor} or later (package.json "engines"). Install it (e.g. from nodejs.org or with nvm), then run npm ci again.`,
    );
    process.exit(1);
  }
}
