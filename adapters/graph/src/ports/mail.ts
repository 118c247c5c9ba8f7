/**
 * Mail: the Inbox's unread count from Graph; the inbox and a new message open in Outlook on the
 * web through the launcher (Messenger opened the mail client, it did not send mail itself).
 */
import type { MailPort } from '@imessenger/contract';
import type { GraphContext } from '../context';
import { linkFor } from '../launcher';

export function graphMail(ctx: GraphContext): MailPort {
  return {
    async unreadCount(): Promise<number> {
      ctx.requireMe();
      const folder = await ctx.http.find<{ unreadItemCount: number }>(`${ctx.mePath}/mailFolders/inbox`, { resource: 'mail', query: { $select: 'unreadItemCount' } });
      // No mailbox: S_FALSE and -1 on the UnreadEmailCount page (B248).
      return folder?.unreadItemCount ?? -1;
    },
    async openInbox(): Promise<void> {
      ctx.requireMe();
      await ctx.options.launcher.open({ kind: 'inbox' }, linkFor({ kind: 'inbox' }));
    },
    async compose(to: string): Promise<void> {
      ctx.requireMe();
      await ctx.options.launcher.open({ kind: 'compose', to }, linkFor({ kind: 'compose', to }));
    },
  };
}
