/**
 * The dispatch port on Windows: winax (an optional dependency) drives the real automation object.
 *
 * winax is loaded lazily, on the first `create`, and only on win32: importing this module never
 * touches it, so `npm ci` and every import stay green on Linux and macOS, where winax builds an empty
 * addon and `require('winax')` throws "Module did not self-register". Every failure to get the
 * object says which ProgID, what is missing and how to fix it.
 *
 * winax initialises COM on the thread that first loads it: keep every COM object, the sink and the
 * message pump on that one thread (do not load this backend in several workers).
 */
import { MessengerError, messengerError } from '@imessenger/contract';
import type { AutomationObject, ConnectionPoint, DispatchPort, EventSink } from './dispatch';
import { COM_HRESULTS, comError, hresultOf } from './errors';

/** The part of winax the port uses (declared here: winax may be absent, and its .d.ts lacks half of it). */
interface WinaxConnectionPoint {
  advise(sink: EventSink): number;
  unadvise(cookie: number): void;
  getMethods?(): string[];
}

interface WinaxModule {
  Object: new (progId: string, options?: { activate?: boolean; getobject?: boolean; type?: boolean }) => AutomationObject;
  getConnectionPoints?(object: AutomationObject): WinaxConnectionPoint[];
  peekAndDispatchMessages?(): unknown;
  release?(...objects: AutomationObject[]): unknown;
}

export interface WinaxDispatchOptions {
  /** Returns the winax module (default: `require('winax')`). Tests pass a fake module here. */
  readonly load?: () => unknown;
  /** The platform to check against (default `process.platform`); COM needs 'win32'. */
  readonly platform?: string;
}

const HOW_TO_FIX =
  'Fix: run on Windows with Windows Messenger, Office Communicator or Lync installed and signed in to once, ' +
  'install winax there (`npm i winax`, which needs the Visual Studio C++ build tools and Python for node-gyp), ' +
  'or use the emulator: comBackend({ emulate: true }).';

const defaultLoad = (): unknown => require('winax');

const errorCode = (error: unknown): unknown => (typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined);
const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Why winax could not be loaded, in words: not installed, or installed but its addon did not load. */
function loadFailure(progId: string, error: unknown): MessengerError {
  const text = errorText(error);
  const notInstalled = errorCode(error) === 'MODULE_NOT_FOUND' && /['"]winax['"]/.test(text);
  const what = notInstalled
    ? 'the optional dependency winax is not installed (npm leaves it out when it cannot build it)'
    : `winax is installed but its native addon could not be loaded (${text}); rebuild it for this Node version ` +
      'and architecture with `npm rebuild winax`, matching the bitness (x64/ia32) of the client';
  return messengerError('E_NOTIMPL', undefined, `Cannot create the Messenger automation object "${progId}": ${what}. ${HOW_TO_FIX}`, error);
}

/** The dispatch port over winax. Nothing is loaded until the first `create`. */
export function winaxDispatch(options: WinaxDispatchOptions = {}): DispatchPort {
  const load = options.load ?? defaultLoad;
  let winax: WinaxModule | undefined;

  const module = (progId: string): WinaxModule => {
    if (winax) return winax;
    const platform = options.platform ?? process.platform;
    if (platform !== 'win32') {
      throw messengerError('E_NOTIMPL', undefined,
        `Cannot create the Messenger automation object "${progId}": COM automation needs Windows, and this is ${platform}. ${HOW_TO_FIX}`);
    }
    let loaded: unknown;
    try {
      loaded = load();
    } catch (error) {
      throw loadFailure(progId, error);
    }
    const candidate = loaded as Partial<WinaxModule> | null;
    if (!candidate || typeof candidate.Object !== 'function') {
      throw loadFailure(progId, new Error('the module has no Object constructor (an empty build of the addon)'));
    }
    winax = candidate as WinaxModule;
    return winax;
  };

  const loadedModule = (): WinaxModule => {
    if (!winax) throw messengerError('E_FAIL', undefined, 'winax is not loaded: create the automation object first.');
    return winax;
  };

  return {
    kind: 'winax',

    create(progId: string): AutomationObject {
      const mod = module(progId);
      try {
        // activate: attach to the running client (GetActiveObject) before starting a new one.
        return new mod.Object(progId, { activate: true });
      } catch (error) {
        const hr = hresultOf(error);
        if (hr === COM_HRESULTS.CO_E_CLASSSTRING || hr === COM_HRESULTS.REGDB_E_CLASSNOTREG) {
          throw new MessengerError(hr, {
            cause: error,
            detail: `Cannot create the Messenger automation object: the ProgID "${progId}" is not registered on this machine ` +
              `(${errorText(error)}). Install the client that registers it (Windows Messenger 4.7/5.x: Messenger.UIAutomation.1 ` +
              'and Messenger.UIAutomation; Office Communicator 2005/2007 or Lync: Communicator.UIAutomation), pass the ProgID your ' +
              'client registers as `progId`, check that Node has the same bitness (x64/ia32) as the client, or use the emulator: ' +
              'comBackend({ emulate: true }).',
          });
        }
        const translated = comError(error, 'CreateInstance');
        throw new MessengerError(translated.hresult, {
          cause: error,
          detail: `Cannot create the Messenger automation object "${progId}": ${translated.description}. Is the client ` +
            'installed and allowed to run, and does Node have the same bitness (x64/ia32) as the client?',
        });
      }
    },

    connectionPoints(object: AutomationObject): ConnectionPoint[] {
      const mod = loadedModule();
      if (typeof mod.getConnectionPoints !== 'function') {
        throw messengerError('E_NOTIMPL', undefined, 'This winax build has no getConnectionPoints: COM events need winax 3.x.');
      }
      let points: WinaxConnectionPoint[];
      try {
        points = mod.getConnectionPoints(object);
      } catch (error) {
        throw comError(error, 'getConnectionPoints');
      }
      return points.map((cp): ConnectionPoint => ({
        advise: (sink) => { try { return cp.advise(sink); } catch (error) { throw comError(error, 'IConnectionPoint.Advise'); } },
        unadvise: (cookie) => { try { cp.unadvise(cookie); } catch (error) { throw comError(error, 'IConnectionPoint.Unadvise'); } },
        ...(typeof cp.getMethods === 'function' ? { getMethods: () => cp.getMethods!() } : {}),
      }));
    },

    release(...objects: AutomationObject[]): void {
      if (!winax || typeof winax.release !== 'function' || objects.length === 0) return;
      try {
        winax.release(...objects);
      } catch {
        // Releasing an object whose server is gone fails; the reference is dropped either way.
      }
    },

    pump(): void {
      const mod = loadedModule();
      try {
        mod.peekAndDispatchMessages?.();
      } catch (error) {
        throw comError(error, 'peekAndDispatchMessages');
      }
    },
  };
}

/** True when the HRESULT says the ProgID is not registered (CO_E_CLASSSTRING, REGDB_E_CLASSNOTREG). */
export function isProgIdMissing(error: unknown): boolean {
  const hr = hresultOf(error);
  return hr === COM_HRESULTS.CO_E_CLASSSTRING || hr === COM_HRESULTS.REGDB_E_CLASSNOTREG;
}
