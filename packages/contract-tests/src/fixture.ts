/**
 * The world every conformance test starts from: the same people, groups and numbers on every
 * backend. Written in the seed format of the in-memory backend (the COM emulator and the Graph fake
 * tenant accept it too), so a factory only has to load it.
 */
export const KIT_SELF = 'ann@contoso.com';
export const KIT_PASSWORD = 'correct-horse';
export const KIT_SERVICE_ID = '{9b017612-c9f1-11d2-8d9f-0000f875c541}';
/**
 * A second, non-primary service of the client (Exchange Instant Messaging beside the .NET Messenger
 * Service): rules that name a service are checked with one that is not the primary. A backend with
 * one service (Teams) declares 'IMessenger.Services (second service)' (its probe names this id).
 */
export const KIT_SECOND_SERVICE_ID = '{83d4679e-b6d7-11d2-bf36-00c04fb90a03}';
export const KIT_SECOND_SERVICE_NAME = 'Exchange Instant Messaging';

/** In the contact list. */
export const BOB = 'bob@contoso.com';     // online, can be paged, has a mobile number
export const CAROL = 'carol@contoso.com'; // away
export const DAVE = 'dave@fabrikam.com';  // offline, blocked
/** Known to the service, not in the list. */
export const ERIN = 'erin@contoso.com';
/** Nobody: no such user. */
export const NOBODY = 'nobody@nowhere.example';

export interface KitSeed {
  signedIn: boolean;
  self: { signinName: string; friendlyName: string; password: string; status: number; phones: Record<string, string> };
  services: { id: string; name: string; primary: boolean }[];
  contacts: { signinName: string; friendlyName: string; status: number; blocked?: boolean; canPage?: boolean; phones?: Record<string, string>; email?: string }[];
  directory: { signinName: string; friendlyName: string; status: number }[];
  groups: { name: string; members: string[] }[];
  sortOrder: number;
  unreadEmail: number;
}

/** A fresh copy of the kit's seed (signed out: each test signs in when it needs to). */
export function kitSeed(): KitSeed {
  return {
    signedIn: false,
    self: { signinName: KIT_SELF, friendlyName: 'Ann Lee', password: KIT_PASSWORD, status: 2, phones: { work: '+1 425 555 0100', mobile: '+1 425 555 0199' } },
    services: [{ id: KIT_SERVICE_ID, name: '.NET Messenger Service', primary: true }, { id: KIT_SECOND_SERVICE_ID, name: KIT_SECOND_SERVICE_NAME, primary: false }],
    contacts: [
      { signinName: BOB, friendlyName: 'Bob Kelly', status: 2, canPage: true, phones: { mobile: '+1 425 555 0101' }, email: 'bob.kelly@contoso.com' },
      { signinName: CAROL, friendlyName: 'Carol Diaz', status: 0x22 },
      { signinName: DAVE, friendlyName: 'Dave Park', status: 1, blocked: true },
    ],
    directory: [{ signinName: ERIN, friendlyName: 'Erin Moss', status: 2 }],
    groups: [{ name: 'Coworkers', members: [BOB, CAROL] }, { name: 'Friends', members: [] }],
    sortOrder: 0,
    unreadEmail: 3,
  };
}
