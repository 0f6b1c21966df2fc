/** Three tiers: unit tests beside the source, integration tests per service on the real broker and
 * database, and end-to-end tests that run the five services as separate processes. */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleNameMapper: { '^@app/(contracts|platform|messaging|telemetry)$': '<rootDir>/libs/$1/src' },
};

module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.mjs',
  testTimeout: 120000,
  globalTeardown: '<rootDir>/test/support/global-teardown.mjs',
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/src/**/*.spec.ts', '<rootDir>/test/unit/**/*.spec.ts', '<rootDir>/tools/*/src/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/apps/*/test/**/*.int-spec.ts', '<rootDir>/libs/*/test/**/*.int-spec.ts', '<rootDir>/tools/*/test/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'] },
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] },
  ],
};
