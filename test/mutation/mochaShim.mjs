// Preloaded (node --import) into every StrykerJS process by the mutation job (test/support/jobs.ts),
// so that @stryker-mutator/mocha-runner 10.0.0 can load Mocha 12. The runner
// reaches into mocha/lib/cli/{run-helpers,options,collect-files} with
// extensionless require() calls; Mocha 12 renamed those files to .cjs, so the
// plugin fails to load ("Cannot find TestRunner plugin mocha"). This resolve
// hook retries such a failed lookup with ".cjs". Delete it (and its use in
// the mutation job) once a mocha-runner release probes the extension itself.
import * as nodeModule from 'node:module';

// registerHooks exists from Node 22.15 / 23.5; Stryker runs under Node 24. A
// Node 20 child that inherits NODE_OPTIONS must not fail on this file.
nodeModule.registerHooks?.({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (/[\\/]mocha[\\/]lib[\\/]cli[\\/][\w-]+$/.test(specifier)) return nextResolve(`${specifier}.cjs`, context);
      throw error;
    }
  },
});
