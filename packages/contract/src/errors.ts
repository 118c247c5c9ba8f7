import { HR, type HResultName, hresultDescription, hresultHex, hresultName, toSigned, toUnsigned } from './hresult';

/**
 * The one error that crosses every boundary of the SDK: a failed HRESULT, as COM callers saw it.
 *
 * - `hresult`: unsigned 32-bit value, as the docs and C++ print it (0x81000351).
 * - `number`: signed 32-bit value, what JScript's `e.number` and VB's `Err.Number` showed (-2130705583).
 * - `code`: the documented name (`MSGR_E_BAD_GROUP_NAME`), or `HRESULT_0x…` for an undocumented value.
 * - `member`: the IDL member that failed, e.g. `IMessenger2.CreateGroup`.
 * - `description`: the human text, as JScript exposed it on COM errors.
 */
export class MessengerError extends Error {
  override readonly name = 'MessengerError';
  readonly hresult: number;
  readonly number: number;
  readonly code: string;
  readonly member: string | undefined;
  readonly description: string;

  constructor(hresult: number, options: { member?: string; detail?: string; cause?: unknown } = {}) {
    const code = hresultName(hresult) ?? `HRESULT_${hresultHex(hresult)}`;
    const description = options.detail ?? hresultDescription(hresult);
    const where = options.member ? `${options.member}: ` : '';
    super(`${where}${code} (${hresultHex(hresult)}): ${description}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.hresult = toUnsigned(hresult);
    this.number = toSigned(hresult);
    this.code = code;
    this.member = options.member;
    this.description = description;
  }
}

/** Build a MessengerError from a documented name or a raw HRESULT value. */
export function messengerError(hr: HResultName | number, member?: string, detail?: string, cause?: unknown): MessengerError {
  return new MessengerError(typeof hr === 'number' ? hr : HR[hr], { member, detail, cause });
}

/**
 * True when `e` is a MessengerError (optionally with the given HRESULT). Works across realms and
 * worker threads, where `instanceof` does not: it checks the shape, not the prototype.
 */
export function isMessengerError(e: unknown, hr?: HResultName | number): e is MessengerError {
  if (typeof e !== 'object' || e === null) return false;
  const candidate = e as { name?: unknown; hresult?: unknown };
  if (candidate.name !== 'MessengerError' || typeof candidate.hresult !== 'number') return false;
  if (hr === undefined) return true;
  return candidate.hresult === toUnsigned(typeof hr === 'number' ? hr : HR[hr]);
}
