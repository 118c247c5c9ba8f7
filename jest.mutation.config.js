/**
 * The tests StrykerJS runs against each mutant of packages/core/src (`npm run test:mutation`):
 * the conformance kit on the in-memory backend (with the thin double that does not re-check) and
 * core's own tests. Same transform and mappings as the main config.
 */
const base = require('./jest.config.js');

module.exports = {
  ...base,
  roots: ['<rootDir>/packages/core', '<rootDir>/test'],
  testMatch: ['<rootDir>/test/memory.contract.test.ts', '<rootDir>/packages/core/test/**/*.test.ts'],
};
