/**
 * The Messenger enumerations with their exact values (spec/messenger/TYPELIB.md and the enum pages).
 * Each is a frozen name -> value object plus a union type of its values, so both
 * `MISTATUS.MISTATUS_ONLINE` and the bare number 2 type-check where a MISTATUS is expected.
 */
const enumOf = <T extends Record<string, number>>(values: T): Readonly<T> => Object.freeze(values);
export type ValueOf<T> = T[keyof T];

export const MISTATUS = enumOf({
  MISTATUS_UNKNOWN: 0x0000,
  MISTATUS_OFFLINE: 0x0001,
  MISTATUS_ONLINE: 0x0002,
  MISTATUS_INVISIBLE: 0x0006,
  MISTATUS_BUSY: 0x000a,
  MISTATUS_BE_RIGHT_BACK: 0x000e,
  MISTATUS_IDLE: 0x0012,
  MISTATUS_AWAY: 0x0022,
  MISTATUS_ON_THE_PHONE: 0x0032,
  MISTATUS_OUT_TO_LUNCH: 0x0042,
  // Office Communicator additions.
  MISTATUS_IN_A_MEETING: 0x0052,
  MISTATUS_OUT_OF_OFFICE: 0x0062,
  MISTATUS_DO_NOT_DISTURB: 0x0072,
  MISTATUS_IN_A_CONFERENCE: 0x0082,
  MISTATUS_ALLOW_URGENT_INTERRUPTIONS: 0x0092,
  MISTATUS_MAY_BE_AVAILABLE: 0x00a2,
  MISTATUS_CUSTOM: 0x00b2,
  // Local states: reported while the client talks to the server, never settable.
  MISTATUS_LOCAL_FINDING_SERVER: 0x0100,
  MISTATUS_LOCAL_CONNECTING_TO_SERVER: 0x0200,
  MISTATUS_LOCAL_SYNCHRONIZING_WITH_SERVER: 0x0300,
  MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER: 0x0400,
} as const);
export type MISTATUS = ValueOf<typeof MISTATUS>;

export const MUASORT = enumOf({ MUASORT_GROUPS: 0, MUASORT_ONOFFLINE: 1 } as const);
export type MUASORT = ValueOf<typeof MUASORT>;

export const MPHONE_TYPE = enumOf({
  MPHONE_TYPE_ALL: -1,
  MPHONE_TYPE_HOME: 0,
  MPHONE_TYPE_WORK: 1,
  MPHONE_TYPE_MOBILE: 2,
  MPHONE_TYPE_CUSTOM: 3,
} as const);
export type MPHONE_TYPE = ValueOf<typeof MPHONE_TYPE>;

export const MCONTACTPROPERTY = enumOf({
  MCONTACTPROP_INVALID_PROPERTY: -1,
  MCONTACTPROP_GROUPS_PROPERTY: 0,
  MCONTACTPROP_EMAIL: 1,
} as const);
export type MCONTACTPROPERTY = ValueOf<typeof MCONTACTPROPERTY>;

export const MMESSENGERPROPERTY = enumOf({ MMESSENGERPROP_VERSION: 0, MMESSENGERPROP_PLCID: 1 } as const);
export type MMESSENGERPROPERTY = ValueOf<typeof MMESSENGERPROPERTY>;

export const MWINDOWPROPERTY = enumOf({
  MWINDOWPROP_INVALID_PROPERTY: -1,
  MWINDOWPROP_VIEW_SIDEBAR: 0,
  MWINDOWPROP_VIEW_TOOLBAR: 1,
} as const);
export type MWINDOWPROPERTY = ValueOf<typeof MWINDOWPROPERTY>;

export const MOPTIONPAGE = enumOf({
  MOPT_GENERAL_PAGE: 0,
  MOPT_PRIVACY_PAGE: 1,
  MOPT_EXCHANGE_PAGE: 2,
  MOPT_ACCOUNTS_PAGE: 3,
  MOPT_CONNECTION_PAGE: 4,
  MOPT_PREFERENCES_PAGE: 5,
  MOPT_SERVICES_PAGE: 6,
  MOPT_PHONE_PAGE: 7,
} as const);
export type MOPTIONPAGE = ValueOf<typeof MOPTIONPAGE>;

export const MUAFOLDER = enumOf({ MUAFOLDER_INBOX: 0, MUAFOLDER_ALL_OTHER_FOLDERS: 1 } as const);
export type MUAFOLDER = ValueOf<typeof MUAFOLDER>;

export const MSERVICEPROPERTY = enumOf({ MSERVICEPROP_INVALID_PROPERTY: -1 } as const);
export type MSERVICEPROPERTY = ValueOf<typeof MSERVICEPROPERTY>;

/** Every enumeration by its IDL name, for tables, validation and the shim's constants. */
export const ENUMS = {
  MISTATUS, MUASORT, MPHONE_TYPE, MCONTACTPROPERTY, MMESSENGERPROPERTY,
  MWINDOWPROPERTY, MOPTIONPAGE, MUAFOLDER, MSERVICEPROPERTY,
} as const;
export type EnumName = keyof typeof ENUMS;

/** True when `value` is one of the enumeration's documented values. */
export function isEnumValue<E extends EnumName>(name: E, value: unknown): value is ValueOf<(typeof ENUMS)[E]> {
  return typeof value === 'number' && (Object.values(ENUMS[name]) as number[]).includes(value);
}
