// Every id the extension shares with package.json: commands, views, context
// keys, settings and secret keys. package.json must mirror this map (an
// integration test compares them).

export const Commands = {
  openSource: 'instamrkt.openSource',
  closeSource: 'instamrkt.closeSource',
  refresh: 'instamrkt.refresh',
  copySourceId: 'instamrkt.copySourceId',
  closeGame: 'instamrkt.closeGame',
  copyGameId: 'instamrkt.copyGameId',
  /** Delete in the tree: closes the selected source(s), or the selected game. */
  closeSelected: 'instamrkt.closeSelected',
  signIn: 'instamrkt.signIn',
  signInWithSessionKey: 'instamrkt.signInWithSessionKey',
  signOut: 'instamrkt.signOut',
  connect: 'instamrkt.connect',
  disconnect: 'instamrkt.disconnect',
  showLog: 'instamrkt.showLog',
  startEmulator: 'instamrkt.startEmulator',
  stopEmulator: 'instamrkt.stopEmulator',
  statusActions: 'instamrkt.statusActions',
  testConnection: 'instamrkt.testConnection',
  copyConnectionReport: 'instamrkt.copyConnectionReport',
} as const;

/** The authentication provider (contributes.authentication): the Accounts menu and vscode.authentication.getSession(). */
export const AuthProvider = {
  id: 'instamrkt',
  label: 'Instamrkt',
} as const;

export const Views = {
  container: 'instamrkt',
  sources: 'instamrkt.sources',
} as const;

/** Context keys used in `when` clauses. */
export const ContextKeys = {
  state: 'instamrkt.state',
  emulatorRunning: 'instamrkt.emulatorRunning',
  /** True after the local emulator stopped unexpectedly, until it is started again or left. */
  emulatorStopped: 'instamrkt.emulatorStopped',
  /** True while this window is pointed at the local emulator. */
  usingEmulator: 'instamrkt.usingEmulator',
  /** The first connection setting that cannot be used (e.g. 'instamrkt.serverUrl'), or '' when all can. */
  badSetting: 'instamrkt.badSetting',
  /** True once the server's source list has been read (so "no sources" is not shown while it loads). */
  listLoaded: 'instamrkt.listLoaded',
  /** True when the server's source list has been read and is empty: the only time "no open game sources" is true. */
  listEmpty: 'instamrkt.listEmpty',
} as const;

/** Tree item contextValues (matched by `viewItem` in package.json menus). */
export const ItemContext = {
  source: 'source',
  sourceStale: 'sourceStale',
  game: 'game',
  upcomingGame: 'upcomingGame',
  message: 'message',
} as const;

export const Settings = {
  section: 'instamrkt',
  serverUrl: 'serverUrl',
  restUrl: 'restUrl',
  autoConnect: 'autoConnect',
  requestTimeoutSeconds: 'requestTimeoutSeconds',
  keepAliveSeconds: 'keepAliveSeconds',
  closeConfirmation: 'closeConfirmation',
  startLocalEmulator: 'startLocalEmulator',
} as const;
