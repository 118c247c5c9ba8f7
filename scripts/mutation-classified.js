/**
 * Surviving mutants of packages/core/src that are equivalent (no program can observe them), each
 * with the reason; read by scripts/mutation-summary.js. Matched by file, mutator, a piece of the
 * mutated line and (where given) the replacement, so the list survives line moves. Error-description
 * wording needs no entry (the script recognises it). Behavioural survivors are not listed here:
 * docs/mutation.md lists them with the reason they remain.
 */
exports.classified = [
  {
    file: 'outcomes.ts', mutator: 'ConditionalExpression', line: 'return name !== undefined &&', replacement: 'true',
    reason: 'equivalent: includes(undefined) is false, as the check it replaces',
  },
];
