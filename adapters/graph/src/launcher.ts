/**
 * What Messenger showed in its own windows (the inbox, a profile, the options dialog, a
 * conversation) becomes a link the host opens: the injected Launcher port. The default launcher
 * only records the links (a server has no screen); a desktop host passes one that opens them.
 */
import type { FindQuery } from '@imessenger/contract';

export type LaunchIntent =
  | { readonly kind: 'inbox' }
  | { readonly kind: 'compose'; readonly to: string }
  | { readonly kind: 'profile'; readonly user: string }
  | { readonly kind: 'find'; readonly query: FindQuery }
  | { readonly kind: 'options'; readonly page: number }
  | { readonly kind: 'devices' }
  | { readonly kind: 'conversation'; readonly url: string };

export interface Launcher {
  open(intent: LaunchIntent, url: string): Promise<void>;
}

/** Outlook on the web and Teams deep links for each intent (best effort: these pages move). */
export function linkFor(intent: LaunchIntent): string {
  switch (intent.kind) {
    case 'inbox': return 'https://outlook.office.com/mail/inbox';
    case 'compose': return `https://outlook.office.com/mail/deeplink/compose?to=${encodeURIComponent(intent.to)}`;
    case 'profile': return `https://teams.microsoft.com/l/chat/0/0?users=${encodeURIComponent(intent.user)}`;
    case 'find': return `https://outlook.office.com/people/?q=${encodeURIComponent([intent.query.firstName, intent.query.lastName].filter(Boolean).join(' '))}`;
    case 'options': return 'https://teams.microsoft.com/v2/?settings=general';
    case 'devices': return 'https://teams.microsoft.com/v2/?settings=devices';
    case 'conversation': return intent.url;
  }
}

/** The default: remembers what would have been opened. */
export class RecordingLauncher implements Launcher {
  readonly opened: { intent: LaunchIntent; url: string }[] = [];
  async open(intent: LaunchIntent, url: string): Promise<void> { this.opened.push({ intent, url }); }
}
