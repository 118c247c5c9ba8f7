/**
 * The session and the local user: Signin, AutoSignin, Signout, the My* properties, Services and
 * IMessengerService(s), IMessenger3.Property, ContactsSortOrder, mail, profile, options, the media
 * wizard, and the main window (IMessenger.Window, IMessengerWindow). Plus the remote events a
 * backend reports for the session (signed out elsewhere, new mail, a failed server call).
 * Rules: docs/BEHAVIOUR.md (B… rules, A… ambiguities where core's choice is the one tested).
 */
import {
  HR, MCONTACTPROPERTY, MISTATUS, MMESSENGERPROPERTY, MOPTIONPAGE, MPHONE_TYPE, MSERVICEPROPERTY, MUAFOLDER, MUASORT,
  MWINDOWPROPERTY,
} from '@imessenger/contract';
import type { MainWindow, MessengerService } from '@imessenger/core';
import { BOB, KIT_PASSWORD, KIT_SECOND_SERVICE_ID, KIT_SECOND_SERVICE_NAME, KIT_SELF, KIT_SERVICE_ID, NOBODY } from '../fixture';
import { expectHr, expectMembers, type KitContext, type KitRun } from '../kit';

const SERVICE_NAME = '.NET Messenger Service';
const FRIENDLY_NAME = 'Ann Lee';
const WORK_PHONE = '+1 425 555 0100';
const MOBILE_PHONE = '+1 425 555 0199';
const UNREAD = 3;

/** A value the type system would refuse (out-of-range enum, NULL, wrong VARIANT type), as a script could pass it. */
const unchecked = <T>(value: unknown): T => value as T;

/** The LCIDs im-imessenger3-property.md lists as supported (B313). */
const DOCUMENTED_LCIDS = [
  0x0409, 0x0407, 0x0411, 0x0412, 0x0404, 0x0804, 0x040c, 0x0c0a, 0x041d, 0x0410, 0x0414, 0x0416, 0x0413,
  0x0406, 0x040b, 0x0816, 0x0405, 0x0415, 0x040e, 0x0419, 0x041f, 0x0408, 0x041b, 0x0424, 0x0401, 0x040d,
];

const primary = async (k: KitContext): Promise<MessengerService> => (await k.msn.get_Services()).get_PrimaryService();
/** The service object with this id (any case), from the Services collection. */
const serviceWithId = async (k: KitContext, id: string): Promise<MessengerService> => {
  for await (const s of await k.msn.get_Services()) if ((await s.get_ServiceID()).toLowerCase() === id.toLowerCase()) return s;
  throw new Error(`No service ${id} in Services.`);
};
const mainWindow = (k: KitContext): Promise<MainWindow> => k.msn.get_Window();

/** The signed-out state, seen from the outside. */
const expectSignedOut = async (k: KitContext): Promise<void> => {
  expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
  await expectHr(k.msn.get_MySigninName(), 'MSGR_E_NOT_LOGGED_ON', 'IMessenger.MySigninName');
  expect(await (await k.msn.get_MyContacts()).get_Count()).toBe(0);
};

export function sessionSuites(run: KitRun): void {
  signinSuites(run);
  selfSuites(run);
  serviceSuites(run);
  preferenceSuites(run);
  mailAndShellSuites(run);
  windowSuites(run);
  interfaceSuites(run);
}

// ---- Signin, AutoSignin, Signout ---------------------------------------------------------------

function signinSuites(run: KitRun): void {
  const SI = 'IMessenger.Signin';
  // A backend that signs in without passwords (MSAL, single sign-on) declares
  // 'IMessenger.Signin (password)': 'S_OK': the password is ignored and sign-in succeeds.
  run.member(`${SI} (password)`, async (k) => { await k.msn.Signout(); return k.msn.Signin(0, KIT_SELF, 'wrong-horse'); }, (t) => {
    t.it('B697', 'a wrong password -> MSGR_E_INVALID_PASSWORD, OnSignin(MSGR_E_INVALID_PASSWORD), still signed out', async (k) => {
      await expectHr(k.msn.Signin(0, KIT_SELF, 'wrong-horse'), 'MSGR_E_INVALID_PASSWORD', SI);
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.MSGR_E_INVALID_PASSWORD]]);
      await expectSignedOut(k);
    }, { signedIn: false });
    t.it('B213', 'a password of exactly 256 characters passes the argument check: the service answers (MSGR_E_INVALID_PASSWORD, OnSignin)', async (k) => {
      await expectHr(k.msn.Signin(0, KIT_SELF, 'p'.repeat(256)), 'MSGR_E_INVALID_PASSWORD', SI);
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.MSGR_E_INVALID_PASSWORD]]);
    }, { signedIn: false });
  });

  run.member(SI, async (k) => { await k.msn.Signout(); return k.msn.Signin(0, KIT_SELF, KIT_PASSWORD); }, (t) => {
    t.it('B690, B691', 'signs in with the right credentials and raises OnSignin(S_OK) once', async (k) => {
      await expect(k.msn.Signin(0, KIT_SELF, KIT_PASSWORD)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.S_OK]]);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
      expect(await (await k.msn.get_MyContacts()).get_Count()).toBe(3);
    }, { signedIn: false });
    t.it('B697', 'an unknown user is not told apart from a wrong password: MSGR_E_INVALID_PASSWORD, never MSGR_E_USER_NOT_FOUND', async (k) => {
      await expectHr(k.msn.Signin(0, NOBODY, KIT_PASSWORD), 'MSGR_E_INVALID_PASSWORD', SI);
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.MSGR_E_INVALID_PASSWORD]]);
      await expectSignedOut(k);
    }, { signedIn: false });
    t.it('B218', 'already signed in -> MSGR_E_ALREADY_LOGGED_ON, and the session is kept', async (k) => {
      await expectHr(k.msn.Signin(0, KIT_SELF, KIT_PASSWORD), 'MSGR_E_ALREADY_LOGGED_ON', SI);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
      expect(k.eventsNamed('OnSignout')).toHaveLength(0);
    });
    t.always('B210', 'a space, CR or LF in bstrSigninName -> E_INVALIDARG', async (k) => {
      for (const bad of ['ann @contoso.com', ' ann@contoso.com', 'ann@contoso.com\r', 'ann@contoso.com\n']) {
        await expectHr(k.msn.Signin(0, bad, KIT_PASSWORD), 'E_INVALIDARG', SI);
      }
    }, { signedIn: false });
    t.always('B212', 'bstrSigninName over 129 characters -> E_INVALIDARG', async (k) => {
      const name = `${'a'.repeat(118)}@contoso.com`; // 130 characters
      expect(name).toHaveLength(130);
      await expectHr(k.msn.Signin(0, name, KIT_PASSWORD), 'E_INVALIDARG', SI);
    }, { signedIn: false });
    t.always('B210', 'a space, CR or LF in bstrPassword -> E_INVALIDARG', async (k) => {
      for (const bad of ['correct horse', 'correct-horse\r', 'correct-horse\n']) {
        await expectHr(k.msn.Signin(0, KIT_SELF, bad), 'E_INVALIDARG', SI);
      }
    }, { signedIn: false });
    t.it('B027 B225', 'Signin(0, NULL, NULL), the fall-back after AutoSignin: signs in to the account at hand (the Sign In dialog\'s), OnSignin(S_OK)', async (k) => {
      await expect(k.msn.Signin(0, null as unknown as string, null as unknown as string)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.S_OK]]);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    }, { signedIn: false });
    t.it('B212', 'a sign-in name of exactly 129 characters passes the argument check: the service answers (MSGR_E_INVALID_PASSWORD)', async (k) => {
      const name = `${'a'.repeat(117)}@contoso.com`;
      expect(name).toHaveLength(129);
      await expectHr(k.msn.Signin(0, name, KIT_PASSWORD), 'MSGR_E_INVALID_PASSWORD', SI);
    }, { signedIn: false });
    t.always('B213', 'bstrPassword over 256 characters (client 5.0 and later) -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.Signin(0, KIT_SELF, 'p'.repeat(257)), 'E_INVALIDARG', SI);
    }, { signedIn: false });
    t.always('B210, B212', 'bad input changes nothing: no OnSignin, still signed out', async (k) => {
      await expectHr(k.msn.Signin(0, 'ann @contoso.com', KIT_PASSWORD), 'E_INVALIDARG', SI);
      await expectHr(k.msn.Signin(0, KIT_SELF, 'correct horse'), 'E_INVALIDARG', SI);
      expect(k.eventsNamed('OnSignin')).toHaveLength(0);
      await expectSignedOut(k);
    }, { signedIn: false });
    t.it('B208', 'hwndParent is reserved: a non-zero handle is accepted (no error is documented)', async (k) => {
      await expect(k.msn.Signin(0x0001_0010, KIT_SELF, KIT_PASSWORD)).resolves.toBeUndefined();
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    }, { signedIn: false });
    t.it('B680', 'sign-in completes with OnMyStatusChange(S_OK, MISTATUS_ONLINE), raised after OnSignin(S_OK)', async (k) => {
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      expect(k.events.map((e) => e.name)).toEqual(['OnSignin', 'OnMyStatusChange']);
      expect(k.eventsNamed('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_ONLINE]]);
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    }, { signedIn: false });
    t.it('B692 B693 B694 B696', 'a connection failure the backend reports (host name, connect, cancelled, server version) -> that HRESULT and OnSignin(hr); still signed out', async (k) => {
      for (const hr of ['MSGR_E_INVALID_SERVER_NAME', 'MSGR_E_CONNECT', 'MSGR_E_CANCEL', 'MSGR_E_SERVER_VERSION'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expectHr(k.msn.Signin(0, KIT_SELF, KIT_PASSWORD), hr, SI);
        expect(k.eventsNamed('OnSignin')).toEqual([[HR[hr]]]);
        await expectSignedOut(k);
      }
    }, { signedIn: false });
  });

  const AS = 'IMessenger.AutoSignin';
  run.member(AS, async (k) => { await k.msn.Signout(); return k.msn.AutoSignin(); }, (t) => {
    t.it('B025, B690, B691', 'signs in to the primary service with the stored credentials and raises OnSignin(S_OK)', async (k) => {
      await expect(k.msn.AutoSignin()).resolves.toBeUndefined();
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.S_OK]]);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
      expect(await k.msn.get_MyServiceId()).toBe(KIT_SERVICE_ID);
    }, { signedIn: false });
    t.it('B022', 'already signed in -> MSGR_E_ALREADY_LOGGED_ON', async (k) => {
      await expectHr(k.msn.AutoSignin(), 'MSGR_E_ALREADY_LOGGED_ON', AS);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    });
    // B028: server-side errors "are not checked for by the HResult of AutoSignin; instead, they are
    // returned in the Signin event", with the OnSignin page's codes; E_FAIL (B023, B024) is the call's.
    t.it('B028 B692 B693 B694 B696 B698', 'a server error (otherSide.failNextCall: host name, connect, cancelled, server version, too busy, unavailable, unexpected): the call succeeds, OnSignin(hr) once, no OnMyStatusChange, still signed out; the next AutoSignin signs in', async (k) => {
      for (const hr of ['MSGR_E_INVALID_SERVER_NAME', 'MSGR_E_CONNECT', 'MSGR_E_CANCEL', 'MSGR_E_SERVER_VERSION', 'MSGR_E_SERVER_TOO_BUSY',
        'MSGR_E_SERVER_UNAVAILABLE', 'MSGR_E_UNEXPECTED'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expect(k.msn.AutoSignin()).resolves.toBeUndefined();
        expect([hr, k.events.map((e) => [e.name, ...e.args])]).toEqual([hr, [['OnSignin', HR[hr]]]]);
        await expectSignedOut(k);
      }
      await k.msn.AutoSignin();
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    }, { signedIn: false });
    t.it('B028 B697', 'bad stored credentials, or an account the service does not know: the call succeeds and OnSignin(MSGR_E_INVALID_PASSWORD) reports it, never MSGR_E_USER_NOT_FOUND; still signed out', async (k) => {
      for (const hr of ['MSGR_E_INVALID_PASSWORD', 'MSGR_E_USER_NOT_FOUND'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expect(k.msn.AutoSignin()).resolves.toBeUndefined();
        expect([hr, k.eventsNamed('OnSignin')]).toEqual([hr, [[HR.MSGR_E_INVALID_PASSWORD]]]);
        await expectSignedOut(k);
      }
    }, { signedIn: false });
    t.it('B024', 'an internal failure (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member and OnSignin(E_FAIL); still signed out', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.AutoSignin(), 'E_FAIL', AS);
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.E_FAIL]]);
      await expectSignedOut(k);
    }, { signedIn: false });
  });

  const SO = 'IMessenger.Signout';
  run.member(SO, (k) => k.msn.Signout(), (t) => {
    t.it('B701, B233', 'raises OnSignout() and OnMyStatusChange(S_OK, MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER)', async (k) => {
      await expect(k.msn.Signout()).resolves.toBeUndefined();
      expect(k.eventsNamed('OnSignout')).toEqual([[]]);
      expect(k.eventsNamed('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER]]);
    });
    t.it('B107, B134', 'after sign-out: MyContacts is empty, MySigninName is cleared, MyStatus is offline', async (k) => {
      expect(await (await k.msn.get_MyContacts()).get_Count()).toBe(3);
      await k.msn.Signout();
      await expectSignedOut(k);
    });
    t.it('B690, B691', 'signing in again after a sign-out works', async (k) => {
      await k.msn.Signout();
      await k.msn.Signin(0, KIT_SELF, KIT_PASSWORD);
      expect(k.eventsNamed('OnSignin')).toEqual([[HR.S_OK]]);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    });
    t.always('B231', 'signed out -> MSGR_E_NOT_LOGGED_ON, and no OnSignout', async (k) => {
      await expectHr(k.msn.Signout(), 'MSGR_E_NOT_LOGGED_ON', SO);
      expect(k.eventsNamed('OnSignout')).toHaveLength(0);
    }, { signedIn: false });
    t.it('B701', 'signed out by the server (otherSide.signOut): OnSignout() once and the client is signed out', async (k) => {
      await k.otherSide.signOut();
      await k.until(() => k.eventsNamed('OnSignout').length > 0, 'OnSignout');
      expect(k.eventsNamed('OnSignout')).toEqual([[]]);
      await expectSignedOut(k);
      await expectHr(k.msn.Signout(), 'MSGR_E_NOT_LOGGED_ON', SO);
    });
    t.it('B230', 'the sign-out cannot be sent (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; still signed in, no OnSignout', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.Signout(), 'E_FAIL', SO);
      expect(k.eventsNamed('OnSignout')).toHaveLength(0);
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    });
    t.it('B232', 'signs out of every service: each service in Services then reports MSGR_E_NOT_LOGGED_ON and MISTATUS_OFFLINE', async (k) => {
      await k.msn.Signout();
      const services = await k.msn.get_Services();
      expect(await services.get_Count()).toBeGreaterThan(0);
      for await (const service of services) {
        await expectHr(service.get_MySigninName(), 'MSGR_E_NOT_LOGGED_ON', 'IMessengerService.MySigninName');
        expect(await service.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
      }
    });
  });
}

// ---- the local user ----------------------------------------------------------------------------

function selfSuites(run: KitRun): void {
  const SN = 'IMessenger.MySigninName';
  run.member(SN, (k) => k.msn.get_MySigninName(), (t) => {
    t.it('B134', 'the sign-in name of this session', async (k) => {
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
    });
    // B133 lists both E_FAIL and MSGR_E_NOT_LOGGED_ON for "offline" (A06): core returns MSGR_E_NOT_LOGGED_ON.
    t.always('B133', 'signed out -> MSGR_E_NOT_LOGGED_ON (A06: core picks it over E_FAIL)', async (k) => {
      await expectHr(k.msn.get_MySigninName(), 'MSGR_E_NOT_LOGGED_ON', SN);
    }, { signedIn: false });
  });

  const FN = 'IMessenger.MyFriendlyName';
  run.member(FN, (k) => k.msn.get_MyFriendlyName(), (t) => {
    t.it('B113', 'the friendly name sent at sign-in', async (k) => {
      expect(await k.msn.get_MyFriendlyName()).toBe(FRIENDLY_NAME);
    });
    // B111 (table: E_FAIL "local user is disconnected") and B112 (Remarks: offline, S_OK with ""), A06:
    // offline is signed out; disconnected is a connection lost while reading.
    t.always('B112', 'signed out: S_OK and an empty string', async (k) => {
      await expect(k.msn.get_MyFriendlyName()).resolves.toBe('');
    }, { signedIn: false });
    t.it('B111', 'the connection is lost while reading (otherSide.failNextCall MSGR_E_DISCONNECTED) -> E_FAIL naming the member; the next call succeeds', async (k) => {
      k.otherSide.failNextCall('MSGR_E_DISCONNECTED');
      await expectHr(k.msn.get_MyFriendlyName(), 'E_FAIL', FN);
      expect(await k.msn.get_MyFriendlyName()).toBe(FRIENDLY_NAME);
    });
    t.it('im-msgrconstants.md', 'a server failure (otherSide.failNextCall) -> that HRESULT once; the next call succeeds', async (k) => {
      k.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      await expectHr(k.msn.get_MyFriendlyName(), 'MSGR_E_SERVER_TOO_BUSY', FN);
      expect(await k.msn.get_MyFriendlyName()).toBe(FRIENDLY_NAME);
    });
  });

  const MS = 'IMessenger.MyStatus';
  run.member(MS, (k) => k.msn.put_MyStatus(MISTATUS.MISTATUS_AWAY), (t) => {
    t.it('B137, B138', 'get: the local user\'s status (online in the fixture)', async (k) => {
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    });
    // A26: the page does not state the value; core reports MISTATUS_OFFLINE.
    t.always('B137', 'get while signed out: S_OK and MISTATUS_OFFLINE (A26)', async (k) => {
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
    }, { signedIn: false });
    t.it('B139, B677, B682', 'put: sets the status and raises OnMyStatusChange(S_OK, new status) once', async (k) => {
      await expect(k.msn.put_MyStatus(MISTATUS.MISTATUS_AWAY)).resolves.toBeUndefined();
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_AWAY);
      expect(await (await primary(k)).get_MyStatus()).toBe(MISTATUS.MISTATUS_AWAY);
      expect(k.eventsNamed('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_AWAY]]);
    });
    t.it('B139', 'put: every user-selectable status round-trips', async (k) => {
      // A backend that cannot express a status declares it (settableStatuses); it must refuse it and change nothing.
      for (const status of [MISTATUS.MISTATUS_BUSY, MISTATUS.MISTATUS_BE_RIGHT_BACK, MISTATUS.MISTATUS_ON_THE_PHONE,
        MISTATUS.MISTATUS_OUT_TO_LUNCH, MISTATUS.MISTATUS_INVISIBLE, MISTATUS.MISTATUS_ONLINE]) {
        const before = await k.msn.get_MyStatus();
        const refused = k.refusedStatus(status);
        if (refused) {
          await expectHr(k.msn.put_MyStatus(status), refused, MS);
          expect(await k.msn.get_MyStatus()).toBe(before);
          continue;
        }
        await k.msn.put_MyStatus(status);
        expect(await k.msn.get_MyStatus()).toBe(status);
      }
    });
    t.it('B678', 'put of the status it already has still raises OnMyStatusChange(S_OK, status)', async (k) => {
      await k.msn.put_MyStatus(MISTATUS.MISTATUS_ONLINE);
      expect(k.eventsNamed('OnMyStatusChange')).toEqual([[HR.S_OK, MISTATUS.MISTATUS_ONLINE]]);
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    });
    t.it('B683 B684 B685 B686 B681', 'put: the server refuses (otherSide.failNextCall: disconnected, unexpected, too busy, unavailable): S_OK and OnMyStatusChange(hr, the status still in effect); MyStatus unchanged', async (k) => {
      for (const hr of ['MSGR_E_DISCONNECTED', 'MSGR_E_UNEXPECTED', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_UNAVAILABLE'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expect(k.msn.put_MyStatus(MISTATUS.MISTATUS_AWAY)).resolves.toBeUndefined();
        expect(k.eventsNamed('OnMyStatusChange')).toEqual([[HR[hr], MISTATUS.MISTATUS_ONLINE]]);
        expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
      }
    });
    t.it('B139', 'put: a general failure (otherSide.failNextCall E_FAIL) is the call\'s: E_FAIL naming the member, no OnMyStatusChange', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.put_MyStatus(MISTATUS.MISTATUS_AWAY), 'E_FAIL', MS);
      expect(k.eventsNamed('OnMyStatusChange')).toHaveLength(0);
      expect(await k.msn.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
    });
    // A26: no validation is documented for put; core refuses values outside MISTATUS with E_INVALIDARG.
    t.always('B139', 'put: a value outside MISTATUS -> E_INVALIDARG, no event (A26)', async (k) => {
      for (const bad of [0x999, -5, 2.5]) await expectHr(k.msn.put_MyStatus(unchecked(bad)), 'E_INVALIDARG', MS);
      expect(k.eventsNamed('OnMyStatusChange')).toHaveLength(0);
    });
    // A26: the local (transitional) states and UNKNOWN are reported, not chosen: core says E_INVALIDARG.
    t.always('B679, B687', 'put: MISTATUS_UNKNOWN or a MISTATUS_LOCAL_* state -> E_INVALIDARG, no event (A26)', async (k) => {
      for (const bad of [MISTATUS.MISTATUS_UNKNOWN, MISTATUS.MISTATUS_LOCAL_FINDING_SERVER, MISTATUS.MISTATUS_LOCAL_CONNECTING_TO_SERVER,
        MISTATUS.MISTATUS_LOCAL_SYNCHRONIZING_WITH_SERVER, MISTATUS.MISTATUS_LOCAL_DISCONNECTING_FROM_SERVER]) {
        await expectHr(k.msn.put_MyStatus(bad), 'E_INVALIDARG', MS);
      }
      expect(k.eventsNamed('OnMyStatusChange')).toHaveLength(0);
    });
    t.always('B139', 'put while signed out -> MSGR_E_NOT_LOGGED_ON (A26), no event', async (k) => {
      await expectHr(k.msn.put_MyStatus(MISTATUS.MISTATUS_AWAY), 'MSGR_E_NOT_LOGGED_ON', MS);
      expect(k.eventsNamed('OnMyStatusChange')).toHaveLength(0);
    }, { signedIn: false });
  });

  const PN = 'IMessenger.MyPhoneNumber';
  run.member(PN, (k) => k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_WORK), (t) => {
    t.it('B118', 'the stored work and mobile numbers, as strings with their punctuation', async (k) => {
      expect(await k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_WORK)).toBe(WORK_PHONE);
      expect(await k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_MOBILE)).toBe(MOBILE_PHONE);
    });
    t.it('B117', 'a phone type with no stored number (HOME) -> E_FAIL', async (k) => {
      await expectHr(k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_HOME), 'E_FAIL', PN);
    });
    // A17: the page gives no HRESULT for a PhoneType outside MPHONE_TYPE; core says E_INVALIDARG.
    t.always('B120', 'a PhoneType outside MPHONE_TYPE -> E_INVALIDARG (A17)', async (k) => {
      for (const bad of [7, -2, 0.5]) await expectHr(k.msn.get_MyPhoneNumber(unchecked(bad)), 'E_INVALIDARG', PN);
    });
    t.always('B116', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.get_MyPhoneNumber(MPHONE_TYPE.MPHONE_TYPE_WORK), 'MSGR_E_NOT_LOGGED_ON', PN);
    }, { signedIn: false });
  });

  const MP = 'IMessenger.MyProperty';
  run.member(MP, (k) => k.msn.get_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL), (t) => {
    t.always('B121', 'get: E_INVALIDARG for every ePropType (reserved)', async (k) => {
      for (const prop of [MCONTACTPROPERTY.MCONTACTPROP_GROUPS_PROPERTY, MCONTACTPROPERTY.MCONTACTPROP_EMAIL,
        MCONTACTPROPERTY.MCONTACTPROP_INVALID_PROPERTY, unchecked<MCONTACTPROPERTY>(9)]) {
        await expectHr(k.msn.get_MyProperty(prop), 'E_INVALIDARG', MP);
      }
    });
    t.always('B122', 'put: E_INVALIDARG for every ePropType and value (reserved), no event', async (k) => {
      await expectHr(k.msn.put_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL, 'ann@example.com'), 'E_INVALIDARG', MP);
      await expectHr(k.msn.put_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_GROUPS_PROPERTY, true), 'E_INVALIDARG', MP);
      await expectHr(k.msn.put_MyProperty(unchecked(9), 1), 'E_INVALIDARG', MP);
      expect(k.eventsNamed('OnMyPropertyChange')).toHaveLength(0);
    });
    t.always('B121, B122', 'signed out: still E_INVALIDARG (get and put)', async (k) => {
      await expectHr(k.msn.get_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL), 'E_INVALIDARG', MP);
      await expectHr(k.msn.put_MyProperty(MCONTACTPROPERTY.MCONTACTPROP_EMAIL, 'x'), 'E_INVALIDARG', MP);
    }, { signedIn: false });
  });

  run.member('IMessenger.MyServiceId', (k) => k.msn.get_MyServiceId(), (t) => {
    t.it('B125', 'the GUID of the primary service', async (k) => {
      expect(await k.msn.get_MyServiceId()).toBe(KIT_SERVICE_ID);
    });
    t.it('B124', 'signed out: S_OK and the default service\'s id', async (k) => {
      expect(await k.msn.get_MyServiceId()).toBe(KIT_SERVICE_ID);
    }, { signedIn: false });
  });

  run.member('IMessenger.MyServiceName', (k) => k.msn.get_MyServiceName(), (t) => {
    t.it('B129', 'the name of the primary service', async (k) => {
      expect(await k.msn.get_MyServiceName()).toBe(SERVICE_NAME);
    });
    t.it('B128', 'signed out: S_OK and the default service\'s name', async (k) => {
      expect(await k.msn.get_MyServiceName()).toBe(SERVICE_NAME);
    }, { signedIn: false });
  });
}

// ---- Services, IMessengerServices, IMessengerService -------------------------------------------

function serviceSuites(run: KitRun): void {
  run.member('IMessenger.Services', (k) => k.msn.get_Services(), (t) => {
    t.it('B206', 'the MessengerServices collection of the client\'s services, the primary among them (the second service: see below)', async (k) => {
      const services = await k.msn.get_Services();
      expect(await services.get_Count()).toBeGreaterThanOrEqual(1);
      const main = await serviceWithId(k, KIT_SERVICE_ID);
      expect(await main.get_ServiceID()).toBe(KIT_SERVICE_ID);
      expect(await main.get_ServiceName()).toBe(SERVICE_NAME);
    });
    t.it('B206, B483', 'signed out: still the collection of services', async (k) => {
      const services = await k.msn.get_Services();
      expect(await services.get_Count()).toBeGreaterThanOrEqual(1);
      expect(await (await services.get_PrimaryService()).get_ServiceID()).toBe(KIT_SERVICE_ID);
    }, { signedIn: false });
    t.it('B488', 'the same service is the same object in every collection', async (k) => {
      const a = await (await k.msn.get_Services()).Item(0);
      const b = await (await k.msn.get_Services()).Item(0);
      expect(a).toBe(b);
      expect(await primary(k)).toBe(await serviceWithId(k, KIT_SERVICE_ID));
    });
  });

  run.member('IMessengerServices.Count', async (k) => (await k.msn.get_Services()).get_Count(), (t) => {
    t.it('B482', 'the number of services: as many as the collection enumerates', async (k) => {
      const services = await k.msn.get_Services();
      let n = 0;
      for await (const _ of services) n++;
      expect(await services.get_Count()).toBe(n);
      expect(n).toBeGreaterThanOrEqual(1);
    });
    t.it('B483', 'signed out: the call does not fail', async (k) => {
      expect(await (await k.msn.get_Services()).get_Count()).toBeGreaterThanOrEqual(1);
    }, { signedIn: false });
  });

  // The fixture's second, non-primary service (KIT_SECOND_SERVICE_ID). A backend with one service
  // declares this member with the HRESULT naming the second service gives it (MSGR_E_INVALID_SERVICE).
  const SECOND = 'IMessenger.Services (second service)';
  run.member(SECOND, (k) => k.msn.GetContact(BOB, KIT_SECOND_SERVICE_ID), (t) => {
    t.it('B206 B482', 'both services: Count 2, the primary and the second one, each by its id and name', async (k) => {
      const services = await k.msn.get_Services();
      expect(await services.get_Count()).toBe(2);
      const ids: string[] = [];
      for await (const s of services) ids.push((await s.get_ServiceID()).toLowerCase());
      expect(ids.sort()).toEqual([KIT_SECOND_SERVICE_ID, KIT_SERVICE_ID].sort());
      const second = await serviceWithId(k, KIT_SECOND_SERVICE_ID);
      expect(await second.get_ServiceName()).toBe(KIT_SECOND_SERVICE_NAME);
    });
    t.it('B491 B125 B129', 'the primary service is the primary one, not merely one of the services', async (k) => {
      const services = await k.msn.get_Services();
      const first = await services.get_PrimaryService();
      expect(await first.get_ServiceID()).toBe(KIT_SERVICE_ID);
      expect(first).not.toBe(await serviceWithId(k, KIT_SECOND_SERVICE_ID));
      expect(await k.msn.get_MyServiceId()).toBe(KIT_SERVICE_ID);
      expect(await k.msn.get_MyServiceName()).toBe(SERVICE_NAME);
    });
    t.it('B060', 'GetContact with the second service\'s id (any case) succeeds, and gives the same object as with the primary\'s', async (k) => {
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      expect(await k.msn.GetContact(BOB, KIT_SECOND_SERVICE_ID)).toBe(bob);
      expect(await k.msn.GetContact(BOB, KIT_SECOND_SERVICE_ID.toUpperCase())).toBe(bob);
    });
    t.it('B285 A15', 'CreateGroup on the second service (by id or by object) makes the group: OnGroupAdded(S_OK, group)', async (k) => {
      const g = await k.msn.CreateGroup('On the second', KIT_SECOND_SERVICE_ID);
      expect(k.eventsNamed('OnGroupAdded')).toEqual([[HR.S_OK, g]]);
      const h = await k.msn.CreateGroup('By object', await serviceWithId(k, KIT_SECOND_SERVICE_ID));
      expect(k.eventsNamed('OnGroupAdded').at(-1)).toEqual([HR.S_OK, h]);
    }, { needs: ['IMessenger2.CreateGroup'] });
  });

  const IT = 'IMessengerServices.Item';
  run.member(IT, async (k) => (await k.msn.get_Services()).Item(0), (t) => {
    t.it('B488', 'each Item is the same object each time; the primary service\'s item is PrimaryService', async (k) => {
      const services = await k.msn.get_Services();
      const count = await services.get_Count();
      for (let i = 0; i < count; i++) expect(await services.Item(i)).toBe(await services.Item(i));
      const main = await serviceWithId(k, KIT_SERVICE_ID);
      expect(await services.get_PrimaryService()).toBe(main);
    });
    t.always('B487', 'an Index that is negative or not an integer -> E_INVALIDARG (A22)', async (k) => {
      const services = await k.msn.get_Services();
      await expectHr(services.Item(-1), 'E_INVALIDARG', IT);
      await expectHr(services.Item(0.5), 'E_INVALIDARG', IT);
      await expectHr(services.Item(unchecked('0')), 'E_INVALIDARG', IT);
    });
    t.always('B485', 'an Index past the end of the collection -> E_FAIL (A22: zero-based, Count fails)', async (k) => {
      const services = await k.msn.get_Services();
      await expectHr(services.Item(await services.get_Count()), 'E_FAIL', IT);
      await expectHr(services.Item(5), 'E_FAIL', IT);
    });
  });

  run.member('IMessengerServices.PrimaryService', async (k) => (await k.msn.get_Services()).get_PrimaryService(), (t) => {
    t.it('B491', 'the primary service (the one AutoSignin uses), the same object as in the collection', async (k) => {
      const services = await k.msn.get_Services();
      const service = await services.get_PrimaryService();
      expect(await service.get_ServiceID()).toBe(KIT_SERVICE_ID);
      expect(await service.get_ServiceID()).toBe(await k.msn.get_MyServiceId());
      expect(service).toBe(await serviceWithId(k, KIT_SERVICE_ID));
    });
  });

  run.member('IMessengerServices._NewEnum', async (k) => (await k.msn.get_Services()).get__NewEnum(), (t) => {
    t.it('B478', 'enumerates a snapshot of the collection: the same objects as Item', async (k) => {
      const services = await k.msn.get_Services();
      const seen: MessengerService[] = [];
      for (let e = await services.get__NewEnum(), r = await e.next(); !r.done; r = await e.next()) seen.push(r.value);
      expect(seen).toHaveLength(await services.get_Count());
      expect(seen[0]).toBe(await services.Item(0));
    });
  });

  run.member('IMessengerService.ServiceID', async (k) => (await primary(k)).get_ServiceID(), (t) => {
    t.it('B470', 'the service id', async (k) => {
      expect(await (await primary(k)).get_ServiceID()).toBe(KIT_SERVICE_ID);
    });
  });

  run.member('IMessengerService.ServiceName', async (k) => (await primary(k)).get_ServiceName(), (t) => {
    t.it('B474', 'the human-readable service name', async (k) => {
      expect(await (await primary(k)).get_ServiceName()).toBe(SERVICE_NAME);
    });
  });

  const SSN = 'IMessengerService.MySigninName';
  run.member(SSN, async (k) => (await primary(k)).get_MySigninName(), (t) => {
    t.it('B461', 'the local user\'s sign-in name on this service', async (k) => {
      expect(await (await primary(k)).get_MySigninName()).toBe(KIT_SELF);
    });
    t.always('B460', 'signed out of the service -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr((await primary(k)).get_MySigninName(), 'MSGR_E_NOT_LOGGED_ON', SSN);
    }, { signedIn: false });
  });

  const SFN = 'IMessengerService.MyFriendlyName';
  run.member(SFN, async (k) => (await primary(k)).get_MyFriendlyName(), (t) => {
    t.it('B456', 'the local user\'s friendly name on this service', async (k) => {
      expect(await (await primary(k)).get_MyFriendlyName()).toBe(FRIENDLY_NAME);
    });
    t.always('B455', 'signed out of the service -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr((await primary(k)).get_MyFriendlyName(), 'MSGR_E_NOT_LOGGED_ON', SFN);
    }, { signedIn: false });
  });

  run.member('IMessengerService.MyStatus', async (k) => (await primary(k)).get_MyStatus(), (t) => {
    t.it('B463', 'the local user\'s status on this service, following put_MyStatus', async (k) => {
      const service = await primary(k);
      expect(await service.get_MyStatus()).toBe(MISTATUS.MISTATUS_ONLINE);
      await k.msn.put_MyStatus(MISTATUS.MISTATUS_BUSY);
      expect(await service.get_MyStatus()).toBe(MISTATUS.MISTATUS_BUSY);
    });
    // B463: "no other error codes": signed out it still succeeds (core: MISTATUS_OFFLINE).
    t.it('B463', 'signed out: no error, MISTATUS_OFFLINE', async (k) => {
      expect(await (await primary(k)).get_MyStatus()).toBe(MISTATUS.MISTATUS_OFFLINE);
    }, { signedIn: false });
  });

  const SP = 'IMessengerService.Property';
  run.member(SP, async (k) => (await primary(k)).get_Property(MSERVICEPROPERTY.MSERVICEPROP_INVALID_PROPERTY), (t) => {
    t.always('B465', 'get: E_INVALIDARG for every ePropType (reserved)', async (k) => {
      const service = await primary(k);
      for (const prop of [MSERVICEPROPERTY.MSERVICEPROP_INVALID_PROPERTY, unchecked<MSERVICEPROPERTY>(0), unchecked<MSERVICEPROPERTY>(7)]) {
        await expectHr(service.get_Property(prop), 'E_INVALIDARG', SP);
      }
    });
    t.always('B466', 'put: E_INVALIDARG for every argument (reserved)', async (k) => {
      const service = await primary(k);
      await expectHr(service.put_Property(MSERVICEPROPERTY.MSERVICEPROP_INVALID_PROPERTY, 'x'), 'E_INVALIDARG', SP);
      await expectHr(service.put_Property(unchecked(0), true), 'E_INVALIDARG', SP);
    });
  });

  const P3 = 'IMessenger3.Property';
  run.member(P3, (k) => k.msn.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), (t) => {
    t.it('B313', 'VERSION: the client version as a string', async (k) => {
      const version = await k.msn.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION);
      expect(typeof version).toBe('string');
      expect(version).toMatch(/^\d+(\.\d+)+$/);
    });
    t.it('B313', 'PLCID: the client locale id, a number from the page\'s table', async (k) => {
      const lcid = await k.msn.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID);
      expect(typeof lcid).toBe('number');
      expect(DOCUMENTED_LCIDS).toContain(lcid);
    });
    t.always('B310', 'get: ePropType out of the MMESSENGERPROPERTY range -> E_INVALIDARG', async (k) => {
      for (const bad of [2, -1, 0.5]) await expectHr(k.msn.get_Property(unchecked(bad)), 'E_INVALIDARG', P3);
    });
    t.always('B311', 'put: E_INVALIDARG in all cases (reserved)', async (k) => {
      await expectHr(k.msn.put_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION, '9.9'), 'E_INVALIDARG', P3);
      await expectHr(k.msn.put_Property(MMESSENGERPROPERTY.MMESSENGERPROP_PLCID, 0x0407), 'E_INVALIDARG', P3);
      await expectHr(k.msn.put_Property(unchecked(5), 1), 'E_INVALIDARG', P3);
    });
  });
}

// ---- ContactsSortOrder, ReceiveFileDirectory ---------------------------------------------------

function preferenceSuites(run: KitRun): void {
  const SO = 'IMessenger2.ContactsSortOrder';
  run.member(SO, (k) => k.msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE), (t) => {
    t.it('im-imessenger2-contactssortorder.md', 'get returns the sort order; put then get round-trips both values', async (k) => {
      expect(await k.msn.get_ContactsSortOrder()).toBe(MUASORT.MUASORT_GROUPS);
      await k.msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE);
      expect(await k.msn.get_ContactsSortOrder()).toBe(MUASORT.MUASORT_ONOFFLINE);
      await k.msn.put_ContactsSortOrder(MUASORT.MUASORT_GROUPS);
      expect(await k.msn.get_ContactsSortOrder()).toBe(MUASORT.MUASORT_GROUPS);
    });
    t.always('B267', 'put: Sort out of the MUASORT range -> E_INVALIDARG', async (k) => {
      for (const bad of [2, -1, 0.5]) await expectHr(k.msn.put_ContactsSortOrder(unchecked(bad)), 'E_INVALIDARG', SO);
    });
    t.it('B267', 'a refused put leaves the sort order unchanged', async (k) => {
      await expectHr(k.msn.put_ContactsSortOrder(unchecked(2)), 'E_INVALIDARG', SO);
      expect(await k.msn.get_ContactsSortOrder()).toBe(MUASORT.MUASORT_GROUPS);
    });
    t.always('B269', 'signed out -> MSGR_E_NOT_LOGGED_ON (get and put)', async (k) => {
      await expectHr(k.msn.get_ContactsSortOrder(), 'MSGR_E_NOT_LOGGED_ON', SO);
      await expectHr(k.msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE), 'MSGR_E_NOT_LOGGED_ON', SO);
    }, { signedIn: false });
    t.it('B268', 'the Messenger application window closed -> E_FAIL (get and put); fine again after Show', async (k) => {
      const window = await mainWindow(k);
      await window.Close();
      await expectHr(k.msn.get_ContactsSortOrder(), 'E_FAIL', SO);
      await expectHr(k.msn.put_ContactsSortOrder(MUASORT.MUASORT_ONOFFLINE), 'E_FAIL', SO);
      await window.Show();
      expect(await k.msn.get_ContactsSortOrder()).toBe(MUASORT.MUASORT_GROUPS);
    }, { needs: ['IMessenger.Window'] });
  });

  run.member('IMessenger.ReceiveFileDirectory', (k) => k.msn.get_ReceiveFileDirectory(), (t) => {
    t.it('B184', 'the local path of the directory that receives transferred files (a non-empty string)', async (k) => {
      const path = await k.msn.get_ReceiveFileDirectory();
      expect(typeof path).toBe('string');
      expect(path.length).toBeGreaterThan(0);
      expect(path).not.toMatch(/[\r\n]/);
    });
  });
}

// ---- mail, profile, options, media wizard -------------------------------------------------------

/** The vContact rules SendMail and ViewProfile share (B198-B200, B255-B257). */
const BAD_CONTACTS: readonly (readonly [string, unknown])[] = [
  ['NULL', null],
  ['of the wrong type', 42],
  ['an empty string', ''],
  ['a string starting with a space', ` ${BOB}`],
];

function mailAndShellSuites(run: KitRun): void {
  const UC = 'IMessenger.UnreadEmailCount';
  run.member(UC, (k) => k.msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_INBOX), (t) => {
    t.it('B253', 'the unread count of the Inbox (3 in the fixture)', async (k) => {
      expect(await k.msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_INBOX)).toBe(UNREAD);
    });
    t.always('B251', 'mFolder other than MUAFOLDER_INBOX (ALL_OTHER_FOLDERS or out of range) -> E_FAIL', async (k) => {
      await expectHr(k.msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_ALL_OTHER_FOLDERS), 'E_FAIL', UC);
      await expectHr(k.msn.get_UnreadEmailCount(unchecked(5)), 'E_FAIL', UC);
    });
    t.always('B252', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_INBOX), 'MSGR_E_NOT_LOGGED_ON', UC);
    }, { signedIn: false });
    t.it('B253, B703, B704', 'new mail (otherSide.unreadEmail): OnUnreadEmailChange(INBOX, 5, {value: true}) and the count is 5', async (k) => {
      await k.otherSide.unreadEmail(MUAFOLDER.MUAFOLDER_INBOX, 5);
      await k.until(() => k.eventsNamed('OnUnreadEmailChange').length > 0, 'OnUnreadEmailChange');
      expect(k.eventsNamed('OnUnreadEmailChange')).toEqual([[MUAFOLDER.MUAFOLDER_INBOX, 5, { value: true }]]);
      expect(await k.msn.get_UnreadEmailCount(MUAFOLDER.MUAFOLDER_INBOX)).toBe(5);
    });
  });

  const OI = 'IMessenger.OpenInbox';
  run.member(OI, (k) => k.msn.OpenInbox(), (t) => {
    t.it('B143', 'opens the Inbox: S_OK, no conversation window', async (k) => {
      await expect(k.msn.OpenInbox()).resolves.toBeUndefined();
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always('B141', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.OpenInbox(), 'MSGR_E_NOT_LOGGED_ON', OI);
    }, { signedIn: false });
    t.it('B142', 'a general failure (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; the next call succeeds', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.OpenInbox(), 'E_FAIL', OI);
      await expect(k.msn.OpenInbox()).resolves.toBeUndefined();
    });
  });

  const SM = 'IMessenger.SendMail';
  run.member(SM, (k) => k.msn.SendMail(BOB), (t) => {
    t.it('B202, B203', 'by sign-in name or contact object: S_OK, and never a conversation window', async (k) => {
      await expect(k.msn.SendMail(BOB)).resolves.toBeUndefined();
      await expect(k.msn.SendMail(await k.msn.GetContact(BOB, KIT_SERVICE_ID))).resolves.toBeUndefined();
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always('B198', 'vContact NULL, of the wrong type, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const [, bad] of BAD_CONTACTS) await expectHr(k.msn.SendMail(unchecked(bad)), 'E_INVALIDARG', SM);
    });
    t.always('B199', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.SendMail(`${'b'.repeat(118)}@contoso.com`), 'E_INVALIDARG', SM);
    });
    t.always('B200', 'vContact with a CR or LF -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.SendMail(`${BOB}\r`), 'E_INVALIDARG', SM);
      await expectHr(k.msn.SendMail(`${BOB}\n`), 'E_INVALIDARG', SM);
    });
    t.always('B201', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.SendMail(BOB), 'MSGR_E_NOT_LOGGED_ON', SM);
    }, { signedIn: false });
  });

  const VP = 'IMessenger.ViewProfile';
  run.member(VP, (k) => k.msn.ViewProfile(BOB), (t) => {
    t.it('B260', 'S_OK for a contact (by name or object), for the local user, and for someone with no profile', async (k) => {
      await expect(k.msn.ViewProfile(BOB)).resolves.toBeUndefined();
      await expect(k.msn.ViewProfile(await k.msn.GetContact(BOB, KIT_SERVICE_ID))).resolves.toBeUndefined();
      await expect(k.msn.ViewProfile(KIT_SELF)).resolves.toBeUndefined();
      await expect(k.msn.ViewProfile(NOBODY)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always('B255', 'vContact NULL, of the wrong type, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const [, bad] of BAD_CONTACTS) await expectHr(k.msn.ViewProfile(unchecked(bad)), 'E_INVALIDARG', VP);
    });
    t.always('B256', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.ViewProfile(`${'b'.repeat(118)}@contoso.com`), 'E_INVALIDARG', VP);
    });
    t.always('B257', 'vContact with a CR or LF -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.ViewProfile(`${BOB}\r`), 'E_INVALIDARG', VP);
      await expectHr(k.msn.ViewProfile(`${BOB}\n`), 'E_INVALIDARG', VP);
    });
    t.always('B259', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.ViewProfile(BOB), 'MSGR_E_NOT_LOGGED_ON', VP);
    }, { signedIn: false });
    t.it('B258', 'an unspecified failure (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; the next call succeeds', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.ViewProfile(BOB), 'E_FAIL', VP);
      await expect(k.msn.ViewProfile(BOB)).resolves.toBeUndefined();
    });
  });

  const OP = 'IMessenger.OptionsPages';
  run.member(OP, (k) => k.msn.OptionsPages(0, MOPTIONPAGE.MOPT_GENERAL_PAGE), (t) => {
    t.it('B146', 'S_OK for every MOPTIONPAGE value (0..7)', async (k) => {
      for (const page of Object.values(MOPTIONPAGE)) await expect(k.msn.OptionsPages(0, page)).resolves.toBeUndefined();
    });
    t.it('B153', 'signed out: the call does not fail', async (k) => {
      await expect(k.msn.OptionsPages(0, MOPTIONPAGE.MOPT_PRIVACY_PAGE)).resolves.toBeUndefined();
    }, { signedIn: false });
    // A18: no HRESULT is documented for a page outside 0..7; core says E_INVALIDARG.
    t.always('B146', 'mOptionPage outside MOPTIONPAGE -> E_INVALIDARG (A18)', async (k) => {
      for (const bad of [8, -1, 1.5]) await expectHr(k.msn.OptionsPages(0, unchecked(bad)), 'E_INVALIDARG', OP);
    });
    t.it('B145', 'hwndParent is reserved: a non-zero handle is accepted (no error is documented)', async (k) => {
      await expect(k.msn.OptionsPages(0x0001_0010, MOPTIONPAGE.MOPT_GENERAL_PAGE)).resolves.toBeUndefined();
    });
  });

  run.member('IMessenger.MediaWizard', (k) => k.msn.MediaWizard(0), (t) => {
    t.it('B102', 'shows the wizard: S_OK, and S_OK again while it is open', async (k) => {
      await expect(k.msn.MediaWizard(0)).resolves.toBeUndefined();
      await expect(k.msn.MediaWizard(0)).resolves.toBeUndefined();
    });
    t.it('B096', 'signed out: the wizard is still shown (S_OK)', async (k) => {
      await expect(k.msn.MediaWizard(0)).resolves.toBeUndefined();
    }, { signedIn: false });
    t.it('B095', 'hwndParent is reserved: a non-zero handle is accepted (no error is documented)', async (k) => {
      await expect(k.msn.MediaWizard(0x0001_0010)).resolves.toBeUndefined();
    });
  });
}

// ---- IMessenger.Window and the main window (IMessengerWindow) ----------------------------------

function windowSuites(run: KitRun): void {
  run.member('IMessenger.Window', (k) => k.msn.get_Window(), (t) => {
    t.it('B264', 'the main application window: open, with a window handle', async (k) => {
      const window = await k.msn.get_Window();
      expect(await window.get_IsClosed()).toBe(false);
      const hwnd = await window.get_HWND();
      expect(Number.isInteger(hwnd) && hwnd > 0).toBe(true);
    });
    t.it('B493', 'the same object on every call', async (k) => {
      expect(await k.msn.get_Window()).toBe(await k.msn.get_Window());
    });
    t.it('B496', 'after Close it is still the same object (sent to the tray), reporting IsClosed', async (k) => {
      const window = await k.msn.get_Window();
      await window.Close();
      const again = await k.msn.get_Window();
      expect(again).toBe(window);
      expect(await again.get_IsClosed()).toBe(true);
    });
    t.it('B264', 'signed out: the main window is still available', async (k) => {
      expect(await (await k.msn.get_Window()).get_IsClosed()).toBe(false);
    }, { signedIn: false });
  });

  const HW = 'IMessengerWindow.HWND';
  run.member(`${HW} (main)`, async (k) => (await mainWindow(k)).get_HWND(), (t) => {
    t.it('B507', 'the handle of the parent application window: a positive integer, stable', async (k) => {
      const window = await mainWindow(k);
      const hwnd = await window.get_HWND();
      expect(Number.isInteger(hwnd)).toBe(true);
      expect(hwnd).toBeGreaterThan(0);
      expect(await window.get_HWND()).toBe(hwnd);
    });
    t.it('B505', 'the window closed -> E_FAIL', async (k) => {
      const window = await mainWindow(k);
      await window.Close();
      await expectHr(window.get_HWND(), 'E_FAIL', HW);
    });
  });

  for (const [edge, rule, closedRule] of [['Left', 'B517, B518', 'B514'], ['Top', 'B534', 'B531']] as const) {
    const member = `IMessengerWindow.${edge}`;
    const get = (w: MainWindow) => (edge === 'Left' ? w.get_Left() : w.get_Top());
    const put = (w: MainWindow, v: number) => (edge === 'Left' ? w.put_Left(v) : w.put_Top(v));
    run.member(`${member} (main)`, async (k) => get(await mainWindow(k)), (t) => {
      t.it(rule, `get returns the ${edge.toLowerCase()} position in pixels; put moves it (no bounds check: negative is accepted)`, async (k) => {
        const window = await mainWindow(k);
        expect(Number.isInteger(await get(window))).toBe(true);
        await put(window, 40);
        expect(await get(window)).toBe(40);
        await put(window, -50);
        expect(await get(window)).toBe(-50);
      });
      t.it(closedRule, 'the window closed -> E_FAIL (get and put)', async (k) => {
        const window = await mainWindow(k);
        await window.Close();
        await expectHr(get(window), 'E_FAIL', member);
        await expectHr(put(window, 10), 'E_FAIL', member);
      });
    });
  }

  for (const [dim, rule, argRule, closedRule] of [['Width', 'B540', 'B537', 'B538'], ['Height', 'B503', 'B500', 'B501']] as const) {
    const member = `IMessengerWindow.${dim}`;
    const get = (w: MainWindow) => (dim === 'Width' ? w.get_Width() : w.get_Height());
    const put = (w: MainWindow, v: number) => (dim === 'Width' ? w.put_Width(v) : w.put_Height(v));
    run.member(`${member} (main)`, async (k) => get(await mainWindow(k)), (t) => {
      t.it(rule, `get returns the ${dim.toLowerCase()} in pixels; put resizes`, async (k) => {
        const window = await mainWindow(k);
        expect(await get(window)).toBeGreaterThan(0);
        await put(window, 321);
        expect(await get(window)).toBe(321);
      });
      t.always(argRule, `put: a ${dim.toLowerCase()} of zero or less -> E_INVALIDARG`, async (k) => {
        const window = await mainWindow(k);
        await expectHr(put(window, 0), 'E_INVALIDARG', member);
        await expectHr(put(window, -10), 'E_INVALIDARG', member);
      });
      t.it(argRule, `a refused put leaves the ${dim.toLowerCase()} unchanged`, async (k) => {
        const window = await mainWindow(k);
        const before = await get(window);
        await expectHr(put(window, 0), 'E_INVALIDARG', member);
        expect(await get(window)).toBe(before);
      });
      t.it(closedRule, 'the window closed -> E_FAIL (get and put)', async (k) => {
        const window = await mainWindow(k);
        await window.Close();
        await expectHr(get(window), 'E_FAIL', member);
        await expectHr(put(window, 200), 'E_FAIL', member);
      });
    });
  }

  const WP = 'IMessengerWindow.Property';
  run.member(`${WP} (main)`, async (k) => (await mainWindow(k)).get_Property(MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR), (t) => {
    t.it('B523', 'on the main application window -> E_NOTIMPL (get and put)', async (k) => {
      const window = await mainWindow(k);
      for (const prop of [MWINDOWPROPERTY.MWINDOWPROP_VIEW_SIDEBAR, MWINDOWPROPERTY.MWINDOWPROP_VIEW_TOOLBAR]) {
        await expectHr(window.get_Property(prop), 'E_NOTIMPL', WP);
        await expectHr(window.put_Property(prop, false), 'E_NOTIMPL', WP);
      }
    });
    t.always('B521', 'ePropType out of the MWINDOWPROPERTY range -> E_INVALIDARG (checked first)', async (k) => {
      const window = await mainWindow(k);
      await expectHr(window.get_Property(unchecked(5)), 'E_INVALIDARG', WP);
      await expectHr(window.put_Property(unchecked(-2), true), 'E_INVALIDARG', WP);
    });
  });

  const SH = 'IMessengerWindow.Show';
  run.member(`${SH} (main)`, async (k) => (await mainWindow(k)).Show(), (t) => {
    t.it('B526', 'an already visible window: S_OK, still open', async (k) => {
      const window = await mainWindow(k);
      await expect(window.Show()).resolves.toBeUndefined();
      expect(await window.get_IsClosed()).toBe(false);
    });
    t.it('B527, B528', 'after Close, Show redisplays the main window: IsClosed false and geometry works again', async (k) => {
      const window = await mainWindow(k);
      await window.Close();
      await expectHr(window.get_Left(), 'E_FAIL', 'IMessengerWindow.Left');
      await window.Show();
      expect(await window.get_IsClosed()).toBe(false);
      expect(Number.isInteger(await window.get_Left())).toBe(true);
      expect(await window.get_HWND()).toBeGreaterThan(0);
    });
  });

  run.member('IMessengerWindow.Close (main)', async (k) => (await mainWindow(k)).Close(), (t) => {
    t.it('B496', 'closes the main window: IsClosed becomes true', async (k) => {
      const window = await mainWindow(k);
      await expect(window.Close()).resolves.toBeUndefined();
      expect(await window.get_IsClosed()).toBe(true);
    });
    t.it('B494', 'closing an already closed window succeeds (S_FALSE) and it stays closed', async (k) => {
      const window = await mainWindow(k);
      await window.Close();
      await expect(window.Close()).resolves.toBeUndefined();
      expect(await window.get_IsClosed()).toBe(true);
    });
    t.it('B496', 'closing the main window does not sign out or raise OnSignout', async (k) => {
      await (await mainWindow(k)).Close();
      expect(await k.msn.get_MySigninName()).toBe(KIT_SELF);
      expect(k.eventsNamed('OnSignout')).toHaveLength(0);
    });
  });

  run.member('IMessengerWindow.IsClosed (main)', async (k) => (await mainWindow(k)).get_IsClosed(), (t) => {
    t.it('B510', 'false while open, true after Close, false again after Show', async (k) => {
      const window = await mainWindow(k);
      expect(await window.get_IsClosed()).toBe(false);
      await window.Close();
      expect(await window.get_IsClosed()).toBe(true);
      await window.Show();
      expect(await window.get_IsClosed()).toBe(false);
    });
  });
}

// ---- the interfaces' member lists (IMessenger, IMessenger2, IMessenger3, IMessengerService(s)) -----

/** The IMessenger members of im-imessenger.md, by their async names. */
const IMESSENGER_METHODS = [
  'AddContact', 'AutoSignin', 'FindContact', 'GetContact', 'InstantMessage', 'InviteApp', 'MediaWizard', 'OpenInbox',
  'OptionsPages', 'Page', 'Phone', 'SendFile', 'SendMail', 'Signin', 'Signout', 'StartVoice', 'ViewProfile',
];
const IMESSENGER_PROPERTIES = [
  'MyContacts', 'MyFriendlyName', 'MyPhoneNumber', 'MyProperty', 'MyServiceId', 'MyServiceName', 'MySigninName', 'MyStatus',
  'ReceiveFileDirectory', 'Services', 'UnreadEmailCount', 'Window',
];
/** Read-only on the interface page and on their own pages (MyProperty and MyStatus have puts there: A25). */
const IMESSENGER_READ_ONLY = IMESSENGER_PROPERTIES.filter((p) => p !== 'MyProperty' && p !== 'MyStatus');
const IMESSENGER_MEMBERS = [...IMESSENGER_METHODS, ...IMESSENGER_PROPERTIES.map((p) => `get_${p}`), 'put_MyProperty', 'put_MyStatus'];
const IMESSENGER2_MEMBERS = [...IMESSENGER_MEMBERS, 'CreateGroup', 'StartVideo', 'get_ContactsSortOrder', 'put_ContactsSortOrder', 'get_MyGroups'];

function interfaceSuites(run: KitRun): void {
  run.member('IMessenger (interface)', (k) => k.msn.get_MyStatus(), (t) => {
    t.it('B001', 'the Messenger object has every IMessenger member (put_MyStatus and put_MyProperty as their pages declare, A25) and no put for the read-only properties', async (k) => {
      expectMembers(k.msn, IMESSENGER_MEMBERS, IMESSENGER_READ_ONLY.map((p) => `put_${p}`));
    });
    t.it('B001', 'the deprecated My* members still work and agree with the primary service\'s IMessengerService equivalents', async (k) => {
      const service = await primary(k);
      expect(await k.msn.get_MyFriendlyName()).toBe(await service.get_MyFriendlyName());
      expect(await k.msn.get_MySigninName()).toBe(await service.get_MySigninName());
      expect(await k.msn.get_MyStatus()).toBe(await service.get_MyStatus());
      expect(await k.msn.get_MyServiceId()).toBe(await service.get_ServiceID());
      expect(await k.msn.get_MyServiceName()).toBe(await service.get_ServiceName());
    });
  });

  run.member('IMessenger2 (interface)', (k) => k.msn.get_MyGroups(), (t) => {
    t.it('B266', 'inherits every IMessenger member and adds CreateGroup, StartVideo, ContactsSortOrder (get and put) and MyGroups (get only)', async (k) => {
      expectMembers(k.msn, IMESSENGER2_MEMBERS, ['put_MyGroups']);
    });
  });

  run.member('IMessenger3 (interface)', (k) => k.msn.get_Property(MMESSENGERPROPERTY.MMESSENGERPROP_VERSION), (t) => {
    t.it('B309', 'inherits every IMessenger2 member and adds Property (get and put)', async (k) => {
      expectMembers(k.msn, [...IMESSENGER2_MEMBERS, 'get_Property', 'put_Property']);
    });
  });

  run.member('IMessengerService (interface)', (k) => primary(k), (t) => {
    t.it('B451', 'MyFriendlyName, MySigninName, MyStatus, ServiceID, ServiceName (get only) and Property (get and put)', async (k) => {
      const read = ['MyFriendlyName', 'MySigninName', 'MyStatus', 'ServiceID', 'ServiceName'];
      expectMembers(await primary(k), [...read.map((p) => `get_${p}`), 'get_Property', 'put_Property'], read.map((p) => `put_${p}`));
    });
  });

  run.member('IMessengerServices (interface)', (k) => k.msn.get_Services(), (t) => {
    t.it('B475', 'Item, _NewEnum, Count and PrimaryService (get only), and no Remove', async (k) => {
      expectMembers(await k.msn.get_Services(), ['Item', 'get__NewEnum', 'get_Count', 'get_PrimaryService'], ['Remove', 'put_Count', 'put_PrimaryService']);
    });
  });
}
