export { Messenger, type MessengerOptions } from './messenger';
export { createMessenger, type CreateMessengerOptions } from './create';
/** A backend as core consumes it (defined in @imessenger/contract, re-exported for convenience). */
export type { BackendDefinition } from '@imessenger/contract';
export { MessengerEventEmitter } from './events';
export { SERVICE_OUTCOMES, SERVER_FAILURES, type OutcomeMode } from './outcomes';
export { MessengerContact } from './objects/contact';
export { MessengerContacts, type RemoveContact } from './objects/contacts';
export { MessengerGroup } from './objects/group';
export { MessengerGroups } from './objects/groups';
export { MessengerService, MessengerServices } from './objects/service';
export { ConversationWindow, MainWindow } from './objects/window';
export * as rules from './validation';
