/**
 * Reconcile: repair the drift dual-write left (a write the secondary never got, a change made on
 * one side only). The primary is the truth: the secondary's contact list (and blocked flags),
 * groups (by name, with their members) and sort order are made equal to the primary's, and the
 * report says exactly what changed. With `dryRun`, nothing is written and the report says what
 * would change.
 */
import type { BackendPorts, MUASORT } from '@imessenger/contract';
import { normalizeError } from './normalize';

export const RECONCILABLE = ['directory', 'groups', 'preferences'] as const;
export type ReconcilableCapability = (typeof RECONCILABLE)[number];

export interface ReconcileOptions {
  /** The truth. Both sides must be signed in. */
  readonly primary: BackendPorts;
  /** The side that is repaired. */
  readonly secondary: BackendPorts;
  /** Default: every reconcilable capability both sides have. */
  readonly capabilities?: readonly ReconcilableCapability[];
  /** Remove contacts, groups and members the primary does not have (default true). */
  readonly removeExtras?: boolean;
  /** Report without writing. */
  readonly dryRun?: boolean;
}

export interface ReconcileReport {
  readonly dryRun: boolean;
  readonly capabilities: readonly ReconcilableCapability[];
  readonly contactsAdded: readonly string[];
  readonly contactsRemoved: readonly string[];
  readonly blockedChanged: readonly { readonly signinName: string; readonly blocked: boolean }[];
  readonly groupsCreated: readonly string[];
  readonly groupsRemoved: readonly string[];
  readonly membersAdded: readonly { readonly group: string; readonly signinName: string }[];
  readonly membersRemoved: readonly { readonly group: string; readonly signinName: string }[];
  readonly sortOrderSet?: { readonly from: MUASORT; readonly to: MUASORT };
  /** Repairs the secondary refused (the rest were still made). */
  readonly failures: readonly { readonly action: string; readonly error: string }[];
  /** Number of changes made (or, in a dry run, planned). */
  readonly changes: number;
}

const key = (s: string): string => s.trim().toLowerCase();

export async function reconcile(options: ReconcileOptions): Promise<ReconcileReport> {
  const { primary, secondary } = options;
  const removeExtras = options.removeExtras ?? true;
  const dryRun = options.dryRun ?? false;
  const capabilities = (options.capabilities ?? RECONCILABLE).filter((c) => primary[c] && secondary[c]);
  const report = {
    contactsAdded: [] as string[], contactsRemoved: [] as string[], blockedChanged: [] as { signinName: string; blocked: boolean }[],
    groupsCreated: [] as string[], groupsRemoved: [] as string[],
    membersAdded: [] as { group: string; signinName: string }[], membersRemoved: [] as { group: string; signinName: string }[],
    sortOrderSet: undefined as { from: MUASORT; to: MUASORT } | undefined,
    failures: [] as { action: string; error: string }[],
  };
  /** Run one repair; true when it was made (or would be, in a dry run). */
  const repair = async (action: string, body: () => Promise<unknown>): Promise<boolean> => {
    if (dryRun) return true;
    try {
      await body();
      return true;
    } catch (error) {
      const e = normalizeError(error);
      report.failures.push({ action, error: e.message ? `${e.$error}: ${e.message}` : e.$error });
      return false;
    }
  };

  if (capabilities.includes('directory')) {
    const [want, have] = await Promise.all([primary.directory!.listContacts(), secondary.directory!.listContacts()]);
    const haveByKey = new Map(have.map((c) => [key(c.signinName), c]));
    const wantKeys = new Set(want.map((c) => key(c.signinName)));
    for (const c of want) {
      const there = haveByKey.get(key(c.signinName));
      if (!there && await repair(`add contact ${c.signinName}`, () => secondary.directory!.addContact(c.signinName))) report.contactsAdded.push(c.signinName);
      if ((there?.blocked ?? false) !== c.blocked
        && await repair(`${c.blocked ? 'block' : 'unblock'} ${c.signinName}`, () => secondary.directory!.setBlocked(c.signinName, c.blocked))) {
        report.blockedChanged.push({ signinName: c.signinName, blocked: c.blocked });
      }
    }
    if (removeExtras) {
      for (const c of have) {
        if (!wantKeys.has(key(c.signinName)) && await repair(`remove contact ${c.signinName}`, () => secondary.directory!.removeContact(c.signinName))) {
          report.contactsRemoved.push(c.signinName);
        }
      }
    }
  }

  if (capabilities.includes('groups')) {
    const [want, have] = await Promise.all([primary.groups!.list(), secondary.groups!.list()]);
    const services = await secondary.session.services();
    const serviceId = (services.find((s) => s.primary) ?? services[0])?.id ?? '';
    const haveByName = new Map(have.map((g) => [key(g.name), g]));
    for (const g of want) {
      let there = haveByName.get(key(g.name));
      let id = there?.id;
      if (!there) {
        const made = await repair(`create group ${g.name}`, async () => { id = (await secondary.groups!.create(g.name, serviceId)).id; });
        if (!made) continue;
        report.groupsCreated.push(g.name);
        there = { id: id ?? `(new ${g.name})`, name: g.name, serviceId, members: [] };
      }
      const groupId = id ?? there.id;
      const members = new Set(there.members.map(key));
      const wanted = new Set(g.members.map(key));
      for (const m of g.members) {
        if (!members.has(key(m)) && await repair(`add ${m} to ${g.name}`, () => secondary.groups!.addMember(groupId, m))) {
          report.membersAdded.push({ group: g.name, signinName: m });
        }
      }
      if (removeExtras) {
        for (const m of there.members) {
          if (!wanted.has(key(m)) && await repair(`remove ${m} from ${g.name}`, () => secondary.groups!.removeMember(groupId, m))) {
            report.membersRemoved.push({ group: g.name, signinName: m });
          }
        }
      }
    }
    if (removeExtras) {
      const wantNames = new Set(want.map((g) => key(g.name)));
      for (const g of have) {
        if (!wantNames.has(key(g.name)) && await repair(`remove group ${g.name}`, () => secondary.groups!.remove(g.id))) report.groupsRemoved.push(g.name);
      }
    }
  }

  if (capabilities.includes('preferences')) {
    const [want, have] = await Promise.all([primary.preferences!.sortOrder(), secondary.preferences!.sortOrder()]);
    if (want !== have && await repair(`set sort order ${want}`, () => secondary.preferences!.setSortOrder(want))) report.sortOrderSet = { from: have, to: want };
  }

  const changes = report.contactsAdded.length + report.contactsRemoved.length + report.blockedChanged.length + report.groupsCreated.length
    + report.groupsRemoved.length + report.membersAdded.length + report.membersRemoved.length + (report.sortOrderSet ? 1 : 0);
  const { sortOrderSet, ...rest } = report;
  return { dryRun, capabilities, ...rest, ...(sortOrderSet ? { sortOrderSet } : {}), changes };
}

/** The report as text (what `imessenger migrate reconcile` prints). */
export function formatReconcileReport(report: ReconcileReport): string {
  const verb = report.dryRun ? 'would ' : '';
  const lines: string[] = [`Reconciled ${report.capabilities.join(', ') || 'nothing'}${report.dryRun ? ' (dry run)' : ''}: ${report.changes} change${report.changes === 1 ? '' : 's'}`];
  for (const c of report.contactsAdded) lines.push(`  ${verb}add contact ${c}`);
  for (const c of report.contactsRemoved) lines.push(`  ${verb}remove contact ${c}`);
  for (const b of report.blockedChanged) lines.push(`  ${verb}${b.blocked ? 'block' : 'unblock'} ${b.signinName}`);
  for (const g of report.groupsCreated) lines.push(`  ${verb}create group "${g}"`);
  for (const g of report.groupsRemoved) lines.push(`  ${verb}remove group "${g}"`);
  for (const m of report.membersAdded) lines.push(`  ${verb}add ${m.signinName} to "${m.group}"`);
  for (const m of report.membersRemoved) lines.push(`  ${verb}remove ${m.signinName} from "${m.group}"`);
  if (report.sortOrderSet) lines.push(`  ${verb}set sort order ${report.sortOrderSet.from} -> ${report.sortOrderSet.to}`);
  for (const f of report.failures) lines.push(`  FAILED ${f.action}: ${f.error}`);
  return `${lines.join('\n')}\n`;
}
