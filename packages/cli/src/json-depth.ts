/**
 * How deeply a JSON file given on the command line (--seed, --graph-config) may nest arrays and
 * objects: a seed needs 4, a Graph configuration 1. Checked right after parsing, before the document
 * is copied to the worker that runs the backend: a structured clone recurses once per level, so a
 * file of 100,000 nested arrays would end the script with "Maximum call stack size exceeded" at its
 * first line instead of an error naming the file. The memory backend's validator has its own bound
 * (SEED_MAX_DEPTH, the same 32) for seeds given in code.
 */
export const MAX_JSON_DEPTH = 32;

/** True when `value` nests arrays or objects deeper than `limit` (breadth-first: no recursion). */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  let level: unknown[] = [value];
  for (let depth = 1; level.length > 0; depth++) {
    const next: unknown[] = [];
    for (const v of level) {
      if (typeof v !== 'object' || v === null) continue;
      if (depth > limit) return true;
      for (const item of Array.isArray(v) ? v : Object.values(v)) next.push(item); // no spread: an array may be huge
    }
    level = next;
  }
  return false;
}
