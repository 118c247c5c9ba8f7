/**
 * Service identifiers for the advanced composition root (`@imessenger/core/container`, inversify):
 * one per SPI port, plus the backend's description and the Messenger itself. Plain symbols, so this
 * package does not depend on inversify. Symbol.for keeps them equal across copies of this package.
 */
export const TOKENS = {
  SessionPort: Symbol.for('imessenger.SessionPort'),
  DirectoryPort: Symbol.for('imessenger.DirectoryPort'),
  PresencePort: Symbol.for('imessenger.PresencePort'),
  GroupsPort: Symbol.for('imessenger.GroupsPort'),
  ConversationsPort: Symbol.for('imessenger.ConversationsPort'),
  MailPort: Symbol.for('imessenger.MailPort'),
  PreferencesPort: Symbol.for('imessenger.PreferencesPort'),
  ShellPort: Symbol.for('imessenger.ShellPort'),
  EventsPort: Symbol.for('imessenger.EventsPort'),
  BackendInfo: Symbol.for('imessenger.BackendInfo'),
  MessengerOptions: Symbol.for('imessenger.MessengerOptions'),
  Messenger: Symbol.for('imessenger.Messenger'),
} as const;

/** What a backend says about itself: its name, and the members it documents as unsupported. */
export interface BackendInfo {
  readonly name: string;
  /** `Interface.Member` -> the HRESULT this backend returns for it (e.g. StartVoice on Teams). */
  readonly unsupported?: Readonly<Record<string, string>>;
}

/** The port token for each capability of BackendPorts. */
export const PORT_TOKENS = {
  session: TOKENS.SessionPort,
  directory: TOKENS.DirectoryPort,
  presence: TOKENS.PresencePort,
  groups: TOKENS.GroupsPort,
  conversations: TOKENS.ConversationsPort,
  mail: TOKENS.MailPort,
  preferences: TOKENS.PreferencesPort,
  shell: TOKENS.ShellPort,
  events: TOKENS.EventsPort,
} as const;
