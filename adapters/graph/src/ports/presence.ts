/**
 * MyStatus through setUserPreferredPresence (FACTS #27), shown while the adapter's presence
 * session lives (presence-session.ts); others' presence in one call per 650 ids.
 * A status Teams cannot express is refused with E_INVALIDARG and changes nothing (statusPolicy
 * 'strict', the default), or set as the nearest one it can ('nearest'), which is then the status in
 * effect: what MyStatus reads back and OnMyStatusChange reports.
 */
import { type MISTATUS, type PresencePort, messengerError } from '@imessenger/contract';
import type { GraphContext } from '../context';
import { segment } from '../http';
import { type StatusPolicy, statusFromGraph, statusToGraph } from '../presence-map';
import type { PresenceSession } from '../presence-session';

export function graphPresence(ctx: GraphContext, session: PresenceSession, policy: StatusPolicy = 'strict'): PresencePort {
  return {
    async setMyStatus(status: MISTATUS): Promise<MISTATUS> {
      const me = ctx.requireMe();
      const preferred = statusToGraph(status, policy);
      if (!preferred) {
        const hint = policy === 'strict' && statusToGraph(status, 'nearest') ? " (statusPolicy 'nearest' sets the nearest one)" : '';
        throw messengerError('E_INVALIDARG', undefined, `Teams has no status for MISTATUS ${status}${hint}: it sets Available, Busy, Do not disturb, Be right back, Away and Appear offline.`);
      }
      await ctx.http.post(`/users/${segment(me.id, 'MSGR_E_SERVER_PROTOCOL')}/presence/setUserPreferredPresence`, preferred, { resource: 'presence' });
      // What Teams now shows: the status itself, or under 'nearest' the one set in its place. It
      // shows only while a presence session exists: the adapter's follows the status (presence-session.ts).
      const inEffect = statusFromGraph(preferred, { self: true });
      ctx.myStatus = inEffect;
      await session.follow(inEffect);
      return inEffect;
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
