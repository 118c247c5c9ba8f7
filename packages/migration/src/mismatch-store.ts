/**
 * Where shadow mode records what it found: one structured record per read whose results differ,
 * appended as a JSON line to a file (or kept in memory), and the summary `imessenger migrate
 * report` prints (counts per member, the first examples).
 */
import { type LockPolicy, wait } from '@imessenger/durable';
import type { Difference, FailedResult, Json } from './normalize';
import type { DelegatedCapability } from './routing-methods';
import type { Side } from './config';
import { appendJsonLines, readJsonLines } from './json-lines';

/** The mismatch file's lock policy: wait (each append holds it for milliseconds). */
export const MISMATCH_LOCK: LockPolicy = wait('mismatch store', 10_000);

export interface MismatchRecord {
  /** ISO 8601. */
  readonly time: string;
  readonly capability: DelegatedCapability;
  /** The port method, e.g. "list", "listContacts", "statuses". */
  readonly member: string;
  readonly args: readonly Json[];
  /** The session's user, when known. */
  readonly user?: string;
  /** Which backend answered the caller ("old"/"new") and its name. */
  readonly primaryBackend?: { readonly side: Side; readonly name: string };
  readonly secondaryBackend?: { readonly side: Side; readonly name: string };
  /** The normalised results (a failure is `{ "$error": "MSGR_E_…" }`). */
  readonly primary: Json | FailedResult;
  readonly secondary: Json | FailedResult;
  readonly difference: readonly Difference[];
}

export interface MismatchStore {
  append(record: MismatchRecord): Promise<void>;
  /** Every record so far, oldest first. */
  records(): Promise<MismatchRecord[]>;
}

/** Records kept in memory (tests, short runs). */
export function memoryMismatchStore(): MismatchStore & { readonly list: MismatchRecord[] } {
  const list: MismatchRecord[] = [];
  return {
    list,
    async append(record) { list.push(record); },
    async records() { return [...list]; },
  };
}

/**
 * Records appended to a JSON-lines file, one line each, in the order they were found (appends are
 * chained in the process, and each holds the file's lock, so lines never interleave, also with
 * other processes appending to the same file). Each append is fsync'd. A torn last line (a crash
 * mid-append) is skipped on reading and cut off before the next append.
 */
export function fileMismatchStore(file: string, policy: LockPolicy = MISMATCH_LOCK): MismatchStore & { readonly file: string } {
  let chain: Promise<void> = Promise.resolve();
  return {
    file,
    append(record) {
      // Each append waits for the one before, failed or not (a failure is its own caller's to see).
      const appended = chain.catch(() => undefined).then(() => appendJsonLines(file, [record], policy));
      chain = appended;
      return appended;
    },
    async records() {
      await chain.catch(() => undefined);
      return readMismatches(file);
    },
  };
}

/** The records of a mismatch file (an absent file has none). */
export function readMismatches(file: string): MismatchRecord[] {
  return readJsonLines<MismatchRecord>(file, 'mismatch record');
}

// ---- summary -------------------------------------------------------------------------------------

export interface MemberSummary {
  readonly capability: DelegatedCapability;
  readonly member: string;
  readonly count: number;
  /** Distinct users affected. */
  readonly users: number;
  readonly first: string;
  readonly last: string;
  /** The most frequent difference paths (path pattern with names kept), with counts. */
  readonly paths: readonly { readonly path: string; readonly kind: Difference['kind']; readonly count: number }[];
  /** The first few records, as found. */
  readonly examples: readonly MismatchRecord[];
}

export interface MismatchSummary {
  readonly total: number;
  readonly since?: string;
  readonly until?: string;
  readonly byCapability: { readonly [capability: string]: number };
  /** Most frequent first. */
  readonly byMember: readonly MemberSummary[];
}

/** Counts per capability and member, the most frequent differences, and the first examples. */
export function summarise(records: readonly MismatchRecord[], options: { examples?: number; paths?: number } = {}): MismatchSummary {
  const examples = options.examples ?? 3;
  const maxPaths = options.paths ?? 5;
  const byCapability: Record<string, number> = {};
  const groups = new Map<string, MismatchRecord[]>();
  for (const r of records) {
    byCapability[r.capability] = (byCapability[r.capability] ?? 0) + 1;
    const k = `${r.capability}.${r.member}`;
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const byMember = [...groups.values()].map((list): MemberSummary => {
    const paths = new Map<string, { path: string; kind: Difference['kind']; count: number }>();
    for (const r of list) {
      for (const d of r.difference) {
        const k = `${d.kind} ${d.path}`;
        const entry = paths.get(k) ?? { path: d.path, kind: d.kind, count: 0 };
        entry.count++;
        paths.set(k, entry);
      }
    }
    const times = list.map((r) => r.time).sort();
    return {
      capability: list[0]!.capability,
      member: list[0]!.member,
      count: list.length,
      users: new Set(list.map((r) => r.user ?? '')).size,
      first: times[0]!,
      last: times[times.length - 1]!,
      paths: [...paths.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)).slice(0, maxPaths),
      examples: list.slice(0, examples),
    };
  }).sort((a, b) => b.count - a.count || `${a.capability}.${a.member}`.localeCompare(`${b.capability}.${b.member}`));
  const times = records.map((r) => r.time).sort();
  return {
    total: records.length,
    ...(times.length > 0 ? { since: times[0]!, until: times[times.length - 1]! } : {}),
    byCapability,
    byMember,
  };
}

const short = (v: unknown): string => {
  const text = JSON.stringify(v) ?? 'undefined';
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** The summary as text (what `imessenger migrate report` prints). */
export function formatSummary(summary: MismatchSummary): string {
  if (summary.total === 0) return 'No mismatches recorded.\n';
  const lines = [
    `${summary.total} mismatch${summary.total === 1 ? '' : 'es'} from ${summary.since} to ${summary.until}`,
    `By capability: ${Object.entries(summary.byCapability).map(([c, n]) => `${c} ${n}`).join(', ')}`,
    '',
  ];
  for (const m of summary.byMember) {
    lines.push(`${m.capability}.${m.member}: ${m.count} (${m.users} user${m.users === 1 ? '' : 's'}, ${m.first} .. ${m.last})`);
    for (const p of m.paths) {
      const label = p.kind === 'changed' ? 'differs' : p.kind === 'onlyInPrimary' ? 'only on primary' : 'only on secondary';
      lines.push(`  ${p.count} x ${p.path || '(whole result)'}: ${label}`);
    }
    for (const e of m.examples) {
      lines.push(`  e.g. ${e.time}${e.user ? ` ${e.user}` : ''} args ${short(e.args)}`);
      lines.push(`       primary${e.primaryBackend ? ` (${e.primaryBackend.name})` : ''}:   ${short(e.primary)}`);
      lines.push(`       secondary${e.secondaryBackend ? ` (${e.secondaryBackend.name})` : ''}: ${short(e.secondary)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
