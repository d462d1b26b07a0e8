// Where this extension host runs (whereItRuns() of VS Code's env facts), for
// the status tooltip and Test Connection alike.
import vscode = require('vscode');
import { whereItRuns, type WhereItRuns } from '../sources/whereItRuns';

export function hostSide(): WhereItRuns {
  return whereItRuns({ remoteName: vscode.env.remoteName, uiKind: vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop' });
}
