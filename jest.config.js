/** Three tiers: unit tests beside the source, integration tests per service on the real broker and
 * database, and end-to-end tests that run the five services as separate processes. Beside them, the
 * unit tests of scripts/. */
const shared = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
    // jose is ES modules only; Node requires it as it is, Jest's module system needs it as CommonJS.
    '/node_modules/jose/.+\\.js$': '<rootDir>/test/support/esm-to-cjs.cjs',
  },
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  moduleNameMapper: { '^@app/(contracts|platform|messaging|telemetry|auth)$': '<rootDir>/libs/$1/src' },
};
/**
 * The tiers on the real broker and database: Jest runs a project's global setup only when one of
 * its tests runs (once for all projects naming the same module), so a run of the unit tests alone
 * starts no broker.
 */
const withInfra = {
  ...shared,
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
};

module.exports = {
  testTimeout: 120000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts', '<rootDir>/tools/*/src/**/*.spec.ts'],
    },
    {
      ...withInfra,
      displayName: 'integration',
      testMatch: [
        '<rootDir>/apps/*/test/**/*.int-spec.ts',
        '<rootDir>/libs/*/test/**/*.int-spec.ts',
        '<rootDir>/tools/*/test/**/*.int-spec.ts',
      ],
    },
    { ...withInfra, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...withInfra, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] },
    // scripts/ is plain ES modules that Node runs as they are (before `npm install`, too); their tests
    // get them rewritten to CommonJS, as jose is above. Not Jest's native ESM: with its flag
    // (--experimental-vm-modules) the TypeScript tests could no longer require jose.
    {
      displayName: 'scripts',
      testEnvironment: 'node',
      moduleFileExtensions: ['mjs', 'js', 'json'],
      transform: { '^.+\\.mjs$': '<rootDir>/test/support/esm-to-cjs.cjs' },
      testMatch: ['<rootDir>/scripts/**/*.spec.mjs'],
    },
  ],
};
