/**
 * MyStatus through setUserPreferredPresence (FACTS #27); others' presence in one call per 650 ids.
 * A status Teams cannot express is refused with E_INVALIDARG and changes nothing.
 */
import { type MISTATUS, type PresencePort, messengerError } from '@imessenger/contract';
import type { GraphContext } from '../context';
import { statusToGraph } from '../presence-map';
import type { PresenceWatcher } from './events';

export function graphPresence(ctx: GraphContext, watcher: PresenceWatcher): PresencePort {
  return {
    async setMyStatus(status: MISTATUS): Promise<void> {
      const me = ctx.requireMe();
      const preferred = statusToGraph(status);
      if (!preferred) {
        throw messengerError('E_INVALIDARG', undefined, `Teams has no status for MISTATUS ${status}: it sets Available, Busy, Do not disturb, Be right back, Away and Appear offline.`);
      }
      await ctx.http.post(`/users/${encodeURIComponent(me.id)}/presence/setUserPreferredPresence`, preferred, { resource: 'presence' });
      ctx.myStatus = status;
      watcher.written = status;
    },

    async statuses(names: readonly string[]): Promise<ReadonlyMap<string, MISTATUS>> {
      const users = await ctx.resolveUsers(names);
      const ids = [...users.values()].flatMap((u) => (u ? [u.id] : []));
      const byId = await ctx.fetchPresence(ids);
      return new Map(names.flatMap((n) => {
        const user = users.get(n.toLowerCase());
        const status = user ? byId.get(user.id) : undefined;
        return status === undefined ? [] : [[n, status] as const];
      }));
    },
  };
}
