/** ContactsSortOrder in the profile extension, read at sign-in; the receive-file folder from the options. */
import type { MUASORT, PreferencesPort } from '@imessenger/contract';
import type { GraphContext } from '../context';

export function graphPreferences(ctx: GraphContext): PreferencesPort {
  return {
    async sortOrder(): Promise<MUASORT> { ctx.requireMe(); return (await ctx.loadProfile()).contactsSortOrder; },
    async setSortOrder(order: MUASORT): Promise<void> {
      ctx.requireMe();
      await ctx.saveProfile((p) => { p.contactsSortOrder = order; });
    },
    async receiveFileDirectory(): Promise<string> { return ctx.options.receiveFileDirectory; },
  };
}
