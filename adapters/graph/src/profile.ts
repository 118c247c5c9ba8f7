/**
 * What the adapter keeps per user in Graph beside the chats themselves: one open extension on the
 * user (FACTS §6), read once per session and written whole (a PATCH deletes what it leaves out).
 * Values must be primitives or arrays of primitives, so structured entries are JSON strings.
 */
import { MUASORT } from '@imessenger/contract';

export const PROFILE_EXTENSION = 'com.imessenger.profile';

/** A Messenger group Teams cannot hold yet: a group chat needs two members besides its creator. */
export interface PendingGroup { readonly id: string; readonly name: string; readonly members: readonly string[] }

/** A group chat creation that was sent but not yet confirmed: the look-before-create journal. */
export interface CreateIntent { readonly groupId: string; readonly topic: string; readonly at: string }

export interface Profile {
  contactsSortOrder: MUASORT;
  pendingGroups: PendingGroup[];
  /** Chats removed with Groups.Remove: hideForUser is undone by the next message (PITFALLS A4). */
  hiddenChats: string[];
  /** Groups born pending keep their id once they become a chat: group id -> chat id. */
  aliases: Record<string, string>;
  intents: CreateIntent[];
}

export const emptyProfile = (): Profile => ({ contactsSortOrder: MUASORT.MUASORT_GROUPS, pendingGroups: [], hiddenChats: [], aliases: {}, intents: [] });

/** The extension's stored form. */
export interface ProfileDocument {
  contactsSortOrder?: number;
  pendingGroups?: string[];
  hiddenChats?: string[];
  aliases?: string[];
  intents?: string[];
}

const parse = <T>(items: readonly string[] | undefined): T[] => (items ?? []).flatMap((s) => {
  try { return [JSON.parse(s) as T]; } catch { return []; }
});

export function profileFromDocument(doc: ProfileDocument | undefined): Profile {
  if (!doc) return emptyProfile();
  return {
    contactsSortOrder: doc.contactsSortOrder === MUASORT.MUASORT_ONOFFLINE ? MUASORT.MUASORT_ONOFFLINE : MUASORT.MUASORT_GROUPS,
    pendingGroups: parse<PendingGroup>(doc.pendingGroups),
    hiddenChats: [...(doc.hiddenChats ?? [])],
    aliases: Object.fromEntries((doc.aliases ?? []).map((a) => a.split('=') as [string, string]).filter((p) => p.length === 2)),
    intents: parse<CreateIntent>(doc.intents),
  };
}

export function profileToDocument(profile: Profile): Required<ProfileDocument> & { '@odata.type': string; extensionName: string } {
  return {
    '@odata.type': 'microsoft.graph.openTypeExtension',
    extensionName: PROFILE_EXTENSION,
    contactsSortOrder: profile.contactsSortOrder,
    pendingGroups: profile.pendingGroups.map((g) => JSON.stringify(g)),
    hiddenChats: profile.hiddenChats,
    aliases: Object.entries(profile.aliases).map(([k, v]) => `${k}=${v}`),
    intents: profile.intents.map((i) => JSON.stringify(i)),
  };
}
