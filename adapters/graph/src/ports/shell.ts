/**
 * The client's own windows become links through the launcher: a profile, the find dialog, the
 * options and device settings, a conversation. Teams has no main window or window geometry a
 * program can move: those members answer E_NOTIMPL.
 */
import { type FindQuery, type ShellPort, type WindowGeometry, type WindowRecord, messengerError } from '@imessenger/contract';
import type { GraphContext } from '../context';
import { type LaunchIntent, linkFor } from '../launcher';

export function graphShell(ctx: GraphContext, chatUrl: (windowId: string) => Promise<string | undefined>): ShellPort {
  const launch = (intent: LaunchIntent) => ctx.options.launcher.open(intent, linkFor(intent));
  const noWindows = (): never => { throw messengerError('E_NOTIMPL', undefined, 'Teams windows cannot be positioned or sized by a program.'); };
  return {
    async viewProfile(signinName: string) { await launch({ kind: 'profile', user: signinName }); },
    async findContact(query: FindQuery) { await launch({ kind: 'find', query }); },
    async optionsPages(page: number) { await launch({ kind: 'options', page }); },
    async mediaWizard() { await launch({ kind: 'devices' }); },
    async mainWindow(): Promise<WindowRecord> { return noWindows(); },
    async geometry(): Promise<WindowGeometry> { return noWindows(); },
    async setGeometry() { noWindows(); },
    async show(windowId: string) {
      const url = await chatUrl(windowId);
      if (!url) throw messengerError('E_FAIL', undefined, 'The conversation has no Teams link.');
      await launch({ kind: 'conversation', url });
    },
  };
}
