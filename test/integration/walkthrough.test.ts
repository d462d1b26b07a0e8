// The Get Started walkthrough as the installed extension ships it: every
// command a step links to or waits for is registered in this VS Code, every
// view and context key it waits for is the extension's own, and every media
// file it shows is inside the installed VSIX.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ContextKeys, Views } from '../../src/host/ids';
import { testConfig } from './config';

interface WalkthroughStep {
  readonly id: string;
  readonly description: string;
  readonly media: { readonly markdown?: string; readonly svg?: string; readonly image?: unknown };
  readonly completionEvents?: readonly string[];
}

interface Walkthrough {
  readonly id: string;
  readonly steps: readonly WalkthroughStep[];
}

function installed(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(testConfig().extensionId);
  assert.ok(ext, `${testConfig().extensionId} is not installed in this VS Code`);
  return ext;
}

function walkthroughs(): readonly Walkthrough[] {
  const manifest = installed().packageJSON as { contributes?: { walkthroughs?: Walkthrough[] } };
  return manifest.contributes?.walkthroughs ?? [];
}

/** A "%key%" placeholder resolved from the installed package.nls.json, as VS Code resolves it. */
function localized(text: string): string {
  const strings = JSON.parse(fs.readFileSync(path.join(installed().extensionPath, 'package.nls.json'), 'utf8')) as Record<string, string>;
  const key = /^%(.+)%$/.exec(text)?.[1];
  if (key === undefined) return text;
  const value = strings[key];
  assert.ok(value !== undefined, `package.nls.json has no "${key}"`);
  return value;
}

/** The command ids of a description's `[label](command:id?args)` links. */
function linkedCommands(description: string): string[] {
  return [...description.matchAll(/\]\(command:([\w.-]+)/g)].map((match) => match[1]);
}

function eventTargets(step: WalkthroughStep, kind: string): string[] {
  return (step.completionEvents ?? []).filter((event) => event.startsWith(`${kind}:`)).map((event) => event.slice(kind.length + 1));
}

describe('the Get Started walkthrough', () => {
  it('has one walkthrough of 3 to 5 steps, each with a button or a completion event', () => {
    const found = walkthroughs();
    assert.equal(found.length, 1, `walkthroughs: ${found.map((w) => w.id).join(', ')}`);
    const { steps } = found[0];
    assert.ok(steps.length >= 3 && steps.length <= 5, `${steps.length} steps`);
    for (const step of steps) {
      const actions = linkedCommands(localized(step.description)).length + (step.completionEvents?.length ?? 0);
      assert.ok(actions > 0, `step ${step.id} has neither a command link nor a completion event`);
    }
  });

  it('starts with the local emulator: a first success needs no account', () => {
    const first = walkthroughs()[0].steps[0];
    assert.ok(linkedCommands(localized(first.description)).includes('instamrkt.startEmulator'), localized(first.description));
    assert.deepEqual(first.completionEvents, [`onContext:${ContextKeys.state} == connected`]);
  });

  it('links to and waits for commands that are registered', async () => {
    await installed().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const used = walkthroughs()[0].steps.flatMap((step) => [...linkedCommands(localized(step.description)), ...eventTargets(step, 'onCommand')]);
    assert.ok(used.length > 0, 'no command in the walkthrough');
    const missing = [...new Set(used)].filter((command) => !registered.has(command));
    assert.deepEqual(missing, [], `the walkthrough uses commands that are not registered: ${missing.join(', ')}`);
  });

  it("waits only for the extension's own views and context keys", () => {
    const steps = walkthroughs()[0].steps;
    const views = steps.flatMap((step) => eventTargets(step, 'onView'));
    assert.deepEqual(
      views.filter((view) => !Object.values<string>(Views).includes(view)),
      [],
    );
    const keys = steps.flatMap((step) => eventTargets(step, 'onContext')).flatMap((when) => when.match(/instamrkt\.\w+/g) ?? []);
    assert.deepEqual(
      keys.filter((key) => !Object.values<string>(ContextKeys).includes(key)),
      [],
    );
  });

  it('shows media files that ship in the VSIX, small Markdown or SVG', () => {
    const root = installed().extensionPath;
    for (const step of walkthroughs()[0].steps) {
      const file = step.media.markdown ?? step.media.svg;
      assert.ok(file, `step ${step.id} shows no Markdown or SVG media`);
      const full = path.join(root, file);
      assert.ok(fs.existsSync(full), `step ${step.id}: ${file} is not in the installed extension`);
      const bytes = fs.statSync(full).size;
      assert.ok(bytes > 0 && bytes <= 4096, `step ${step.id}: ${file} is ${bytes} bytes`);
    }
  });
});
