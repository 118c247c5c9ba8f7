// @ts-check
/**
 * The API reference (`npm run docs:api`): TypeDoc over every package's entry point, from the TSDoc
 * comments, into docs/api. Every warning is an error: an export without a TSDoc comment, a type the
 * API uses that no entry point exports, a broken link (test/docs/api-reference.test.ts runs it).
 *
 * One deliberate exception, listed here rather than silenced wholesale: the members of `HR`
 * (name -> value) carry no comment each: `HRESULTS` describes every one, in the documentation's
 * words, and the reference shows it. And two internal classes that appear only as constructor
 * parameters of public classes are not exported, each said in its package's typedoc.json: core's
 * Runtime, the Graph adapter's GraphContext (users never make them).
 */
const path = require('node:path');

/** The HRESULT names, from the build of @imessenger/contract (npm run docs:api builds first). */
function hresultNames() {
  try {
    return Object.keys(require(path.join(__dirname, 'packages', 'contract', 'dist', 'hresult.js')).HRESULTS);
  } catch (error) {
    throw new Error(`typedoc.config.cjs reads the HRESULT names from packages/contract/dist: run "npm run build" first (${error})`);
  }
}

/** @type {Partial<import('typedoc').TypeDocOptions>} */
module.exports = {
  name: 'IMessenger2 migration SDK',
  entryPointStrategy: 'packages',
  entryPoints: ['packages/*', 'adapters/*'],
  packageOptions: { skipErrorChecking: true, disableSources: true },
  out: 'docs/api',
  readme: 'none',
  skipErrorChecking: true,
  disableSources: true,
  validation: { notExported: true, invalidLink: true, rewrittenLink: true, notDocumented: true },
  treatWarningsAsErrors: true,
  treatValidationWarningsAsErrors: true,
  intentionallyNotDocumented: hresultNames().map((name) => `@imessenger/contract.HR.__type.${name}`),
};
