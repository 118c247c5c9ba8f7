/**
 * publint and Are the Types Wrong on packed tarballs: `node check-tarballs.mjs <a.tgz> [b.tgz…]`
 * prints { "<tarball>": { publint: [{ code, type, text }], attw: [{ kind, entrypoint, resolutionKind, text }] } }.
 * One process for every tarball (both tools load TypeScript or their rules once). ES module:
 * publint and @arethetypeswrong/core ship only as ES modules, which Jest's CommonJS cannot load.
 */
import { readFileSync } from 'node:fs';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';

const result = {};
for (const file of process.argv.slice(2)) {
  const data = readFileSync(file);
  const tarball = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
  const { messages, pkg } = await publint({ pack: { tarball }, level: 'suggestion', strict: true });
  const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(data)));
  const problems = analysis.types === false ? [{ kind: 'NoTypes' }] : analysis.problems;
  result[file] = {
    publint: messages.map((m) => ({ code: m.code, type: m.type, text: formatMessage(m, pkg, { color: false }) })),
    attw: problems.map((p) => ({
      kind: p.kind,
      ...(p.entrypoint === undefined ? {} : { entrypoint: p.entrypoint }),
      ...(p.resolutionKind === undefined ? {} : { resolutionKind: p.resolutionKind }),
    })),
  };
}
process.stdout.write(`${JSON.stringify(result)}\n`);
