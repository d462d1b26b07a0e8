// What the close confirmation and the input validation tell the user, checked
// inside VS Code (the wording goes through vscode.l10n).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { closeWarning, gameCounts, validateDescription, validateSourceName } from '../../src/ui/prompts';

describe('close confirmation wording', () => {
  it('names one source, counts its games with proper plurals, lists them, and says it cannot be undone', () => {
    const w = closeWarning([{ id: 's1', name: 'games.example.com', active: ['Final'], upcoming: ['Semi', 'Quarter'] }]);
    assert.equal(w.message, 'Close game source "games.example.com"?');
    assert.match(w.detail, /This closes 1 active game and 2 upcoming games and resolves all their betting pools:/);
    assert.match(w.detail, /• Final\n• Semi\n• Quarter/);
    assert.match(w.detail, /This cannot be undone\./);
  });

  it('says when a source hosts no games', () => {
    const w = closeWarning([{ id: 's1', name: 'empty.example', active: [], upcoming: [] }]);
    assert.match(w.detail, /It hosts no active or upcoming games\./);
    assert.doesNotMatch(w.detail, /This closes/);
  });

  it('names every source of a multi-selection and totals their games', () => {
    const w = closeWarning([
      { id: 'a', name: 'a.example', active: ['A1'], upcoming: [] },
      { id: 'b', name: 'b.example', active: ['B1', 'B2'], upcoming: [] },
    ]);
    assert.equal(w.message, 'Close 2 game sources?');
    assert.match(w.detail, /• a\.example\n• b\.example/);
    assert.match(w.detail, /This closes 3 active games and resolves/);
  });

  it('warns that every game will be closed when the games could not be read', () => {
    const w = closeWarning([{ id: 's', name: 'x.example', countError: 'Connection lost — outcome unknown.' }]);
    assert.match(w.detail, /The games of "x\.example" could not be read \(Connection lost — outcome unknown\.\); every game it hosts will be closed/);
  });

  it('shortens long game lists', () => {
    const names = Array.from({ length: 12 }, (_, i) => `G${i}`);
    const w = closeWarning([{ id: 's', name: 'big.example', active: names, upcoming: [] }]);
    assert.match(w.detail, /… and 4 more/);
    assert.doesNotMatch(w.detail, /G11/);
  });

  it('counts games', () => {
    assert.equal(gameCounts(1, 0), '1 active game');
    assert.equal(gameCounts(0, 3), '3 upcoming games');
    assert.equal(gameCounts(2, 1), '2 active games and 1 upcoming game');
  });
});

describe('input validation', () => {
  it('requires a source name and limits it to 255 characters: 255 pass, 256 are refused', () => {
    assert.match(validateSourceName('   ') ?? '', /required/);
    assert.equal(validateSourceName('  ok.example  '), undefined);
    assert.equal(validateSourceName('n'.repeat(255)), undefined, '255 characters are allowed');
    assert.match(validateSourceName('n'.repeat(256)) ?? '', /256 characters long; at most 255/);
  });

  it('accepts a description of exactly 512 characters and refuses 513, saying by how many', () => {
    const fits = validateDescription('d'.repeat(512));
    assert.equal(fits.severity, vscode.InputBoxValidationSeverity.Info, '512 characters are accepted (an Info, not an Error)');
    assert.equal(fits.message, '512/512 characters (optional)');
    const over = validateDescription('d'.repeat(513));
    assert.equal(over.severity, vscode.InputBoxValidationSeverity.Error, '513 characters are refused');
    assert.equal(over.message, '513/512 characters — 1 too many.');
  });

  it('counts description characters as a person does: 512 emoji fit, 513 are one too many', () => {
    // Each of these is 2 UTF-16 code units: counted by .length, 512 of them would read as 1024.
    const ok = validateDescription('😀'.repeat(512));
    assert.equal(ok.severity, vscode.InputBoxValidationSeverity.Info);
    assert.match(ok.message, /^512\/512 characters/);
    const over = validateDescription('😀'.repeat(513));
    assert.equal(over.severity, vscode.InputBoxValidationSeverity.Error);
    assert.match(over.message, /^513\/512 characters — 1 too many/);
  });
});
