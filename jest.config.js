/** One Jest over every workspace, straight from src (no build needed for tests). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/adapters', '<rootDir>/examples', '<rootDir>/test'],
  testMatch: ['**/?(*.)test.ts'],
  transform: { '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  // inversify 8 ships ESM only: let ts-jest turn it into CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(inversify|@inversifyjs)/)'],
  moduleNameMapper: {
    '^@imessenger/(contract|core|contract-tests|shim|server|cli|migration|durable|command-line|com-server)$': '<rootDir>/packages/$1/src',
    '^@imessenger/adapter-(memory|graph|com)$': '<rootDir>/adapters/$1/src',
    '^@imessenger/adapter-graph/testing$': '<rootDir>/adapters/graph/src/testing',
    '^@imessenger/core/container$': '<rootDir>/packages/core/src/container',
    '^@imessenger/adapter-graph/config$': '<rootDir>/adapters/graph/src/config',
  },
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/'],
  // Every request a fake Graph tenant accepts is checked against Graph's v1.0 metadata and permission map.
  setupFilesAfterEnv: ['<rootDir>/adapters/graph/test/support/jest-setup.ts'],
};
