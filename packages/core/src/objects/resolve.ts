import type { IMessengerContact } from '@imessenger/contract';

/** The sign-in name behind a checked vContact (a string, or a contact object). */
export async function resolveContactName(arg: string | IMessengerContact): Promise<string> {
  return typeof arg === 'string' ? arg : arg.get_SigninName();
}
