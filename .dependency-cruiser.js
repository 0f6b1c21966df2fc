// Architecture boundaries, checked by `npm run lint:deps` (and test/unit/boundaries.spec.ts):
// the services talk only through Kafka, so no app may import another app, and the shared
// libraries never depend on an app. Paths are relative to the directory depcruise runs in.
const path = require('node:path');

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-app-to-app',
      severity: 'error',
      comment: 'Apps talk through Kafka only: an app imports @app/* libs and its own files, never another app.',
      from: { path: '^apps/([^/]+)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-lib-to-app',
      severity: 'error',
      comment: 'Libraries are shared by every app, so they cannot depend on any one of them.',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-tool-to-app',
      severity: 'error',
      comment: "Operator tools (tools/*) work on the broker and the shared libraries, never on an app's internals.",
      from: { path: '^tools/' },
      to: { path: '^apps/' },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'The contracts (events, money, VPA) are plain data and validators: no platform or messaging code.',
      from: { path: '^libs/contracts/' },
      to: { path: '^libs/(platform|messaging|telemetry)/' },
    },
    {
      name: 'telemetry-loads-first',
      severity: 'error',
      comment: 'Telemetry starts before Nest, pg and http are loaded, so that they can be instrumented: it imports only OpenTelemetry.',
      from: { path: '^libs/telemetry/' },
      to: { path: '^(libs/(contracts|platform|messaging)/|node_modules/(@nestjs|pg|kafkajs|typeorm)/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make module load order (and decorators metadata) fragile.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that cannot be resolved (a typo, or an @app/* alias not in tsconfig paths).',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // type-only imports are dependencies too (cycles and boundaries apply to them as well)
    tsPreCompilationDeps: true,
    // resolves the @app/* path aliases; absolute, so that the rules can also be run on test fixtures
    tsConfig: { fileName: path.join(__dirname, 'tsconfig.json') },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
