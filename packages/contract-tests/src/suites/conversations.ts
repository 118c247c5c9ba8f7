/**
 * Conversations: IMessenger.InstantMessage, IMessenger2.StartVideo, IMessenger.StartVoice,
 * IMessenger.Page, IMessenger.Phone, IMessenger.SendFile, IMessenger.InviteApp,
 * IMessengerConversationWnd (Contacts, History, AddContact) and the IMessengerWindow members on a
 * conversation window (named "… (conversation)" here; the main window has its own suite).
 * Rules: docs/BEHAVIOUR.md (page in parentheses where no rule id matches).
 */
import { isMessengerError, MPHONE_TYPE, MWINDOWPROPERTY } from '@imessenger/contract';
import type { ConversationWindow, Messenger, MessengerContact } from '@imessenger/core';
import { BOB, CAROL, DAVE, ERIN, KIT_SELF, KIT_SERVICE_ID, NOBODY } from '../fixture';
import { expectHr, expectMembers, type KitContext, type KitRun, type MemberSuite } from '../kit';

/** Arguments that are not a usable vContact (NULL, empty, leading space, 130 characters, CR, LF). */
const NULL_OR_BLANK: readonly unknown[] = [null, undefined, '', ' bob@contoso.com'];
const TOO_LONG = `${'b'.repeat(118)}@contoso.com`; // 130 characters
const WITH_CR_LF: readonly string[] = ['bob@contoso.com\r', 'bob@\ncontoso.com'];
const WRONG_TYPE: unknown = 42;
const APP_ID = '{44BBA842-CC51-11CF-AAFA-00AA00B6015C}'; // NetMeeting (im-imessenger-inviteapp.md)

/** The sign-in names of a window's participants, lower case, sorted. */
const participants = async (w: ConversationWindow): Promise<string[]> => {
  const names: string[] = [];
  for await (const c of await w.get_Contacts()) names.push((await c.get_SigninName()).toLowerCase());
  return names.sort();
};
const contact = (k: KitContext, name: string): Promise<MessengerContact> => k.msn.GetContact(name, KIT_SERVICE_ID);
const asArg = (v: unknown): string => v as string;

type Opener = (msn: Messenger, vContact: string | MessengerContact) => Promise<ConversationWindow>;

/**
 * The rules InstantMessage, StartVideo and StartVoice share: a window with the contact,
 * OnIMWindowCreated once, the identity rule, the vContact rules, self, signed out.
 */
function openerSuite(run: KitRun, member: string, page: string, open: Opener, ids: {
  opens: string; identity: string; contactObject: string; self: string; nullOrBlank: string; tooLong: string; crLf: string;
  wrongType: string; signedOut: string;
}, more: (t: MemberSuite) => void): void {
  run.member(member, (k) => open(k.msn, BOB), (t) => {
    t.it(ids.opens, 'returns an open conversation window whose participant is the contact', async (k) => {
      const w = await open(k.msn, BOB);
      expect(await participants(w)).toEqual([BOB]);
      expect(await w.get_IsClosed()).toBe(false);
    });
    t.it('B662', 'raises OnIMWindowCreated(window) once, with the returned window', async (k) => {
      const w = await open(k.msn, BOB);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[w]]);
    });
    t.it(ids.identity, 'the same contact again returns the same window object and raises no second OnIMWindowCreated', async (k) => {
      const first = await open(k.msn, BOB);
      const again = await open(k.msn, BOB);
      expect(again).toBe(first);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(1);
    });
    t.it(ids.contactObject, 'vContact may be a MessengerContact object (the same window as by sign-in name)', async (k) => {
      const w = await open(k.msn, await contact(k, BOB));
      expect(await participants(w)).toEqual([BOB]);
      expect(await open(k.msn, BOB)).toBe(w);
    });
    t.it(ids.self, 'your own sign-in name -> E_FAIL, and no window is created', async (k) => {
      await expectHr(open(k.msn, KIT_SELF), 'E_FAIL', member);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always(ids.nullOrBlank, 'vContact NULL, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const bad of NULL_OR_BLANK) await expectHr(open(k.msn, asArg(bad)), 'E_INVALIDARG', member);
    });
    t.always(ids.tooLong, 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(open(k.msn, TOO_LONG), 'E_INVALIDARG', member);
    });
    t.always(ids.crLf, 'vContact with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      for (const bad of WITH_CR_LF) await expectHr(open(k.msn, bad), 'E_INVALIDARG', member);
    });
    t.always(ids.wrongType, 'vContact of the wrong type (a number) -> E_INVALIDARG', async (k) => {
      await expectHr(open(k.msn, asArg(WRONG_TYPE)), 'E_INVALIDARG', member);
    });
    t.always(ids.signedOut, 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(open(k.msn, BOB), 'MSGR_E_NOT_LOGGED_ON', member);
    }, { signedIn: false });
    t.always(page, 'bad input raises no OnIMWindowCreated', async (k) => {
      for (const bad of [...NULL_OR_BLANK, TOO_LONG, ...WITH_CR_LF, WRONG_TYPE]) await expectHr(open(k.msn, asArg(bad)), 'E_INVALIDARG', member);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    more(t);
  });
}

/** An IM window with BOB (most window tests start from one). */
const imWithBob = (k: KitContext): Promise<ConversationWindow> => k.msn.InstantMessage(BOB);

/** A closed IM window with BOB. */
const closedWindow = async (k: KitContext): Promise<ConversationWindow> => {
  const w = await imWithBob(k);
  await w.Close();
  return w;
};

/** After signing out (or being signed out), `w` is closed: IsClosed, HWND E_FAIL, OnIMWindowDestroyed(w) once. */
const expectClosedBySignout = async (k: KitContext, w: ConversationWindow): Promise<void> => {
  expect(await w.get_IsClosed()).toBe(true);
  await expectHr(w.get_HWND(), 'E_FAIL', 'IMessengerWindow.HWND');
  expect(k.eventsNamed('OnIMWindowDestroyed')).toEqual([[w]]);
};

/** The server signs the client out (going offline), and the client has noticed. */
const goOffline = async (k: KitContext): Promise<void> => {
  await k.otherSide.signOut();
  await k.until(() => k.eventsNamed('OnSignout').length > 0, 'OnSignout');
};

export function conversationSuites(run: KitRun): void {
  // ---- opening a conversation ----------------------------------------------------------------

  const IM = 'IMessenger.InstantMessage';
  openerSuite(run, IM, 'im-imessenger-instantmessage.md', (msn, c) => msn.InstantMessage(c), {
    opens: 'B075', identity: 'B074', contactObject: 'B073', self: 'B070', nullOrBlank: 'B067', tooLong: 'B068', crLf: 'B069',
    // A30: this page lists no wrong-type row; core applies the sibling pages' rule.
    wrongType: 'A30 (im-imessenger-instantmessage.md)', signedOut: 'B072',
  }, (t) => {
    t.it('B075', 'different contacts get separate windows, open at once', async (k) => {
      const bob = await imWithBob(k);
      const carol = await k.msn.InstantMessage(CAROL);
      expect(carol).not.toBe(bob);
      expect(await participants(carol)).toEqual([CAROL]);
      expect(await bob.get_IsClosed()).toBe(false);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[bob], [carol]]);
    });
    t.it('B315', 'a MessengerContact for someone not in the contact list (ERIN) is accepted: a window with her, the list unchanged', async (k) => {
      const w = await k.msn.InstantMessage(await contact(k, ERIN));
      expect(await participants(w)).toEqual([ERIN]);
      expect(await (await k.msn.get_MyContacts()).get_Count()).toBe(3);
    });
    t.it('B077', 'a name that is no user still opens a conversation window', async (k) => {
      const w = await k.msn.InstantMessage(NOBODY);
      expect(await participants(w)).toEqual([NOBODY]);
    });
    t.it('B076', 'signing out closes the conversation windows: IsClosed is true and HWND fails with E_FAIL', async (k) => {
      const w = await imWithBob(k);
      await k.msn.Signout();
      expect(await w.get_IsClosed()).toBe(true);
      await expectHr(w.get_HWND(), 'E_FAIL', 'IMessengerWindow.HWND');
    });
  });

  const VIDEO = 'IMessenger2.StartVideo';
  openerSuite(run, VIDEO, 'im-imessenger2-startvideo.md', (msn, c) => msn.StartVideo(c), {
    opens: 'B306', identity: 'B305', contactObject: 'B304', self: 'B302', nullOrBlank: 'B295', tooLong: 'B296', crLf: 'B297',
    wrongType: 'B295', signedOut: 'B300',
  }, (t) => {
    t.it('B305', 'after InstantMessage to the same contact, returns that same window and raises no second OnIMWindowCreated', async (k) => {
      const im = await imWithBob(k);
      expect(await k.msn.StartVideo(BOB)).toBe(im);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[im]]);
    });
    t.it('B306', 'joinUrl, when the backend gives one (backend-specific), is a string', async (k) => {
      const w = await k.msn.StartVideo(BOB);
      if (w.joinUrl !== undefined) expect(typeof w.joinUrl).toBe('string');
    });
    t.it('B301', 'the session cannot be initiated (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member, and no window', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.StartVideo(BOB), 'E_FAIL', VIDEO);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.it('B307', 'going offline (the server signs the client out) closes the window it returned', async (k) => {
      const w = await k.msn.StartVideo(BOB);
      await goOffline(k);
      await expectClosedBySignout(k, w);
    });
  });

  const VOICE = 'IMessenger.StartVoice';
  openerSuite(run, VOICE, 'im-imessenger-startvoice.md', (msn, c) => msn.StartVoice(c), {
    opens: 'B245', identity: 'B244', contactObject: 'im-imessenger-startvoice.md', self: 'B242', nullOrBlank: 'B235', tooLong: 'B236',
    crLf: 'B237', wrongType: 'B235', signedOut: 'B240',
  }, (t) => {
    t.it('B244', 'after InstantMessage to the same contact, returns that same window and raises no second OnIMWindowCreated', async (k) => {
      const im = await imWithBob(k);
      expect(await k.msn.StartVoice(BOB)).toBe(im);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[im]]);
    });
    t.it('B241', 'the session cannot be initiated (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member, and no window', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.StartVoice(BOB), 'E_FAIL', VOICE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.it('B246', 'signing out closes the window it returned', async (k) => {
      const w = await k.msn.StartVoice(BOB);
      await k.msn.Signout();
      await expectClosedBySignout(k, w);
    });
  });

  // ---- Page, Phone, SendFile, InviteApp ----------------------------------------------------------

  const PAGE = 'IMessenger.Page';
  run.member(PAGE, (k) => k.msn.Page(BOB), (t) => {
    t.it('im-imessenger-page.md', 'pages a contact who can be paged: returns a window with the contact', async (k) => {
      const w = await k.msn.Page(BOB);
      expect(await participants(w)).toEqual([BOB]);
    });
    t.it('B155', 'a contact without mobile services -> MSGR_E_PAGING_UNAVAILABLE, and no window is created', async (k) => {
      await expectHr(k.msn.Page(DAVE), 'MSGR_E_PAGING_UNAVAILABLE', PAGE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.it('B155 B330', 'a contact not in the list (ERIN, never fetched) has no mobile information: MSGR_E_PAGING_UNAVAILABLE, no window', async (k) => {
      await expectHr(k.msn.Page(ERIN), 'MSGR_E_PAGING_UNAVAILABLE', PAGE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.it('im-imessenger-page.md', 'vContact may be a MessengerContact object', async (k) => {
      expect(await participants(await k.msn.Page(await contact(k, BOB)))).toEqual([BOB]);
    });
    t.it('B162', 'your own sign-in name -> E_FAIL', async (k) => {
      await expectHr(k.msn.Page(KIT_SELF), 'E_FAIL', PAGE);
    });
    t.always('B157', 'vContact NULL, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const bad of NULL_OR_BLANK) await expectHr(k.msn.Page(asArg(bad)), 'E_INVALIDARG', PAGE);
    });
    t.always('B158', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.Page(TOO_LONG), 'E_INVALIDARG', PAGE);
    });
    t.always('B159', 'vContact with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      for (const bad of WITH_CR_LF) await expectHr(k.msn.Page(bad), 'E_INVALIDARG', PAGE);
    });
    t.always('B160', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.Page(BOB), 'MSGR_E_NOT_LOGGED_ON', PAGE);
    }, { signedIn: false });
  });

  const PHONE = 'IMessenger.Phone';
  const { MPHONE_TYPE_ALL, MPHONE_TYPE_HOME, MPHONE_TYPE_MOBILE, MPHONE_TYPE_CUSTOM } = MPHONE_TYPE;
  run.member(PHONE, (k) => k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, ''), (t) => {
    t.it('im-imessenger-phone.md', 'a contact with a number of that type and an empty bstrNumber: returns a window with the contact', async (k) => {
      const w = await k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '');
      expect(await participants(w)).toEqual([BOB]);
    });
    t.it('B177', 'bstrNumber NULL is accepted (the number field starts blank)', async (k) => {
      expect(await participants(await k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, asArg(null)))).toEqual([BOB]);
    });
    t.it('B175', 'a phone type the contact has not set, with no number given -> MSGR_E_PHONE_INVALID_NUMBER', async (k) => {
      await expectHr(k.msn.Phone(DAVE, MPHONE_TYPE_HOME, ''), 'MSGR_E_PHONE_INVALID_NUMBER', PHONE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.it('B172', 'MPHONE_TYPE_CUSTOM with a number: the stored numbers are ignored and bstrNumber is used', async (k) => {
      expect(await participants(await k.msn.Phone(DAVE, MPHONE_TYPE_CUSTOM, '+1 425 555 0123'))).toEqual([DAVE]);
    });
    t.it('B172', 'MPHONE_TYPE_ALL is valid with Phone', async (k) => {
      expect(await participants(await k.msn.Phone(BOB, MPHONE_TYPE_ALL, ''))).toEqual([BOB]);
    });
    t.it('B177', 'bstrNumber is used as given: it reaches the Phone Call window (History), even for a type the contact has not set', async (k) => {
      const number = '+1 (425) 555-0123';
      const w = await k.msn.Phone(DAVE, MPHONE_TYPE_HOME, number);
      expect(await participants(w)).toEqual([DAVE]);
      expect(await w.get_History()).toContain(number);
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B177', 'bstrNumber NULL or empty: no number reaches the window (the field starts blank), and NULL is not taken as text', async (k) => {
      expect(await (await k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, asArg(null))).get_History()).not.toMatch(/null|undefined/);
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B173', 'a bstrNumber of exactly 256 characters is accepted', async (k) => {
      const number = '5'.repeat(256);
      expect(await (await k.msn.Phone(DAVE, MPHONE_TYPE_CUSTOM, number)).get_History()).toContain(number);
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B178', 'a repeated call shows the number of the most recent call', async (k) => {
      await k.msn.Phone(BOB, MPHONE_TYPE_CUSTOM, '+1 425 555 0111');
      const w = await k.msn.Phone(BOB, MPHONE_TYPE_CUSTOM, '+1 425 555 0122');
      const history = await w.get_History();
      expect(history).toContain('+1 425 555 0122');
      expect(history.lastIndexOf('+1 425 555 0122')).toBeGreaterThan(history.lastIndexOf('+1 425 555 0111'));
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B178', 'calling Phone again succeeds (S_OK)', async (k) => {
      await k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '');
      await expect(k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '+1 425 555 0177')).resolves.toBeDefined();
    });
    t.it('im-imessenger-phone.md', 'vContact may be a MessengerContact object', async (k) => {
      expect(await participants(await k.msn.Phone(await contact(k, BOB), MPHONE_TYPE_MOBILE, ''))).toEqual([BOB]);
    });
    t.it('B166', 'your own sign-in name -> E_FAIL', async (k) => {
      await expectHr(k.msn.Phone(KIT_SELF, MPHONE_TYPE_HOME, ''), 'E_FAIL', PHONE);
    });
    t.it('B165', 'the Phone Call window cannot be created (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member, and no window', async (k) => {
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, ''), 'E_FAIL', PHONE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always('B172', 'a phone type out of range -> E_INVALIDARG', async (k) => {
      for (const bad of [4, -2, 0.5, '2']) await expectHr(k.msn.Phone(BOB, bad as MPHONE_TYPE, ''), 'E_INVALIDARG', PHONE);
    });
    t.always('B172', 'a phone type out of range with a number given -> E_INVALIDARG, and no window', async (k) => {
      for (const bad of [4, -2, null]) await expectHr(k.msn.Phone(BOB, bad as MPHONE_TYPE, '+1 425 555 0123'), 'E_INVALIDARG', PHONE);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(0);
    });
    t.always('B172 B167', 'arguments are checked before the state: a bad phone type signed out -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.Phone(BOB, 7 as MPHONE_TYPE, '+1 425 555 0123'), 'E_INVALIDARG', PHONE);
      await expectHr(k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '5'.repeat(257)), 'E_INVALIDARG', PHONE);
    }, { signedIn: false });
    t.always('B173', 'bstrNumber over 256 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '5'.repeat(257)), 'E_INVALIDARG', PHONE);
    });
    t.always('B169', 'vContact NULL, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const bad of NULL_OR_BLANK) await expectHr(k.msn.Phone(asArg(bad), MPHONE_TYPE_MOBILE, ''), 'E_INVALIDARG', PHONE);
    });
    t.always('B170', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.Phone(TOO_LONG, MPHONE_TYPE_MOBILE, ''), 'E_INVALIDARG', PHONE);
    });
    t.always('B171', 'vContact with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      for (const bad of WITH_CR_LF) await expectHr(k.msn.Phone(bad, MPHONE_TYPE_MOBILE, ''), 'E_INVALIDARG', PHONE);
    });
    t.always('B167', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, ''), 'MSGR_E_NOT_LOGGED_ON', PHONE);
    }, { signedIn: false });
  });

  const FILE = 'IMessenger.SendFile';
  run.member(FILE, (k) => k.msn.SendFile(BOB, 'C:\\report.txt'), (t) => {
    t.it('im-imessenger-sendfile.md', 'sends a file: returns a window with the contact', async (k) => {
      expect(await participants(await k.msn.SendFile(BOB, 'C:\\report.txt'))).toEqual([BOB]);
    });
    t.it('B193', 'bstrFileName NULL or empty is valid (the File dialog lets the user choose)', async (k) => {
      expect(await participants(await k.msn.SendFile(BOB, ''))).toEqual([BOB]);
      expect(await participants(await k.msn.SendFile(CAROL, asArg(null)))).toEqual([CAROL]);
    });
    t.it('B186', 'a file name of exactly 260 characters is accepted', async (k) => {
      expect(await participants(await k.msn.SendFile(BOB, `C:\\${'f'.repeat(257)}`))).toEqual([BOB]);
    });
    t.it('B193', 'a given file name reaches the transfer (the window\'s History names it)', async (k) => {
      expect(await (await k.msn.SendFile(BOB, 'C:\\reports\\q3.txt')).get_History()).toContain('q3.txt');
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B193', 'bstrFileName NULL: the File dialog opens with no name; NULL is not taken as a file called "null"', async (k) => {
      expect(await (await k.msn.SendFile(BOB, asArg(null))).get_History()).not.toMatch(/null|undefined/);
    }, { needs: ['IMessengerConversationWnd.History'] });
    t.it('B194', 'an open window with the contact is returned, with no second OnIMWindowCreated', async (k) => {
      const im = await imWithBob(k);
      expect(await k.msn.SendFile(BOB, 'C:\\report.txt')).toBe(im);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(1);
    });
    t.it('B192', 'your own sign-in name -> E_FAIL', async (k) => {
      await expectHr(k.msn.SendFile(KIT_SELF, 'C:\\report.txt'), 'E_FAIL', FILE);
    });
    t.it('B195', 'asynchronous: resolves once the file is offered, even to an offline contact; no event reports acceptance (only OnIMWindowCreated)', async (k) => {
      const w = await k.msn.SendFile(DAVE, 'C:\\report.txt');
      expect(await participants(w)).toEqual([DAVE]);
      expect(k.events.map((e) => e.name)).toEqual(['OnIMWindowCreated']);
    });
    t.it('B196', 'going offline (the server signs the client out) closes the window it returned', async (k) => {
      const w = await k.msn.SendFile(BOB, 'C:\\report.txt');
      await goOffline(k);
      await expectClosedBySignout(k, w);
    });
    t.always('B186', 'bstrFileName over 260 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.SendFile(BOB, `C:\\${'f'.repeat(258)}`), 'E_INVALIDARG', FILE);
    });
    t.always('B189', 'bstrFileName with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.SendFile(BOB, 'C:\\a\r.txt'), 'E_INVALIDARG', FILE);
      await expectHr(k.msn.SendFile(BOB, 'C:\\a\n.txt'), 'E_INVALIDARG', FILE);
    });
    t.always('B187', 'vContact NULL, of the wrong type, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const bad of [...NULL_OR_BLANK, WRONG_TYPE]) await expectHr(k.msn.SendFile(asArg(bad), 'C:\\report.txt'), 'E_INVALIDARG', FILE);
    });
    t.always('B188', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.SendFile(TOO_LONG, 'C:\\report.txt'), 'E_INVALIDARG', FILE);
    });
    t.always('B191', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.SendFile(BOB, 'C:\\report.txt'), 'MSGR_E_NOT_LOGGED_ON', FILE);
    }, { signedIn: false });
  });

  const APP = 'IMessenger.InviteApp';
  run.member(APP, (k) => k.msn.InviteApp(BOB, APP_ID), (t) => {
    t.it('B092 B090', 'issues the invitation (bstrAppID: the application GUID as a string, with braces): returns a window with the contact', async (k) => {
      expect(await participants(await k.msn.InviteApp(BOB, APP_ID))).toEqual([BOB]);
    });
    t.it('B091', 'an open window with the contact is returned, with no second OnIMWindowCreated', async (k) => {
      const im = await imWithBob(k);
      expect(await k.msn.InviteApp(BOB, APP_ID)).toBe(im);
      expect(k.eventsNamed('OnIMWindowCreated')).toHaveLength(1);
    });
    t.it('B087', 'your own sign-in name -> E_FAIL', async (k) => {
      await expectHr(k.msn.InviteApp(KIT_SELF, APP_ID), 'E_FAIL', APP);
    });
    t.it('B093', 'signing out closes the window it returned', async (k) => {
      const w = await k.msn.InviteApp(BOB, APP_ID);
      await k.msn.Signout();
      await expectClosedBySignout(k, w);
    });
    t.always('B081', 'bstrAppID NULL or empty -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.InviteApp(BOB, asArg(null)), 'E_INVALIDARG', APP);
      await expectHr(k.msn.InviteApp(BOB, ''), 'E_INVALIDARG', APP);
    });
    t.always('B082', 'vContact NULL, empty or starting with a space -> E_INVALIDARG', async (k) => {
      for (const bad of NULL_OR_BLANK) await expectHr(k.msn.InviteApp(asArg(bad), APP_ID), 'E_INVALIDARG', APP);
    });
    t.always('B083', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.InviteApp(TOO_LONG, APP_ID), 'E_INVALIDARG', APP);
    });
    t.always('B084', 'vContact with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      for (const bad of WITH_CR_LF) await expectHr(k.msn.InviteApp(bad, APP_ID), 'E_INVALIDARG', APP);
    });
    t.always('B086', 'signed out -> E_FAIL (this page, not MSGR_E_NOT_LOGGED_ON)', async (k) => {
      await expectHr(k.msn.InviteApp(BOB, APP_ID), 'E_FAIL', APP);
    }, { signedIn: false });
  });

  // ---- IMessengerConversationWnd ---------------------------------------------------------------

  const CONTACTS = 'IMessengerConversationWnd.Contacts';
  run.member(CONTACTS, async (k) => (await imWithBob(k)).get_Contacts(), (t) => {
    t.it('B558', 'the participants, excluding the local user, as the shared contact objects', async (k) => {
      const members = await (await imWithBob(k)).get_Contacts();
      expect(await members.get_Count()).toBe(1);
      expect(await members.Item(0)).toBe(await contact(k, BOB));
    });
    t.it('B542', 'the collection is read-only: Remove fails and the participants are unchanged', async (k) => {
      const w = await imWithBob(k);
      const members = await w.get_Contacts();
      let error: unknown;
      try { await members.Remove(await contact(k, BOB)); } catch (e) { error = e; }
      expect(isMessengerError(error)).toBe(true);
      expect(await members.get_Count()).toBe(1);
      expect(await participants(w)).toEqual([BOB]);
    });
    t.always('B555', 'signed out -> E_FAIL', async (k) => {
      const w = await imWithBob(k);
      await k.msn.Signout();
      await expectHr(w.get_Contacts(), 'E_FAIL', CONTACTS);
    });
  });

  const HISTORY = 'IMessengerConversationWnd.History';
  run.member(HISTORY, async (k) => (await imWithBob(k)).get_History(), (t) => {
    t.it('B563', 'the history text is a string', async (k) => {
      expect(typeof (await (await imWithBob(k)).get_History())).toBe('string');
    });
    t.it('B560', 'a closed window -> E_FAIL', async (k) => {
      await expectHr((await closedWindow(k)).get_History(), 'E_FAIL', HISTORY);
    });
    t.always('B560', 'signed out -> E_FAIL', async (k) => {
      const w = await imWithBob(k);
      await k.msn.Signout();
      await expectHr(w.get_History(), 'E_FAIL', HISTORY);
    });
  });

  const ADD = 'IMessengerConversationWnd.AddContact';
  run.member(ADD, async (k) => (await imWithBob(k)).AddContact(CAROL), (t) => {
    t.it('im-imessengerconversationwnd-addcontact.md', 'adds the contact to an IM window: Contacts has both participants', async (k) => {
      const w = await imWithBob(k);
      await w.AddContact(CAROL);
      expect(await (await w.get_Contacts()).get_Count()).toBe(2);
      expect(await participants(w)).toEqual([BOB, CAROL]);
    });
    t.it('B656', 'raises OnIMWindowContactAdded(contact, window) once', async (k) => {
      const w = await imWithBob(k);
      await w.AddContact(CAROL);
      expect(k.eventsNamed('OnIMWindowContactAdded')).toEqual([[await contact(k, CAROL), w]]);
    });
    t.it('B551', 'vContact may be a MessengerContact object', async (k) => {
      const w = await imWithBob(k);
      await w.AddContact(await contact(k, CAROL));
      expect(await participants(w)).toEqual([BOB, CAROL]);
    });
    t.it('B549', 'a window hosting a video or voice conversation -> MSGR_E_SESSION_FULL, and nothing changes', async (k) => {
      const video = await k.msn.StartVideo(BOB);
      await expectHr(video.AddContact(CAROL), 'MSGR_E_SESSION_FULL', ADD);
      const voice = await k.msn.StartVoice(CAROL);
      await expectHr(voice.AddContact(BOB), 'MSGR_E_SESSION_FULL', ADD);
      expect(await participants(video)).toEqual([BOB]);
      expect(await participants(voice)).toEqual([CAROL]);
      expect(k.eventsNamed('OnIMWindowContactAdded')).toHaveLength(0);
    }, { needs: [VIDEO, VOICE] });
    t.it('B547', 'your own sign-in name -> E_FAIL', async (k) => {
      const w = await imWithBob(k);
      await expectHr(w.AddContact(KIT_SELF), 'E_FAIL', ADD);
      expect(await participants(w)).toEqual([BOB]);
    });
    t.always('B543', 'vContact NULL, of the wrong type, empty or starting with a space -> E_INVALIDARG', async (k) => {
      const w = await imWithBob(k);
      for (const bad of [...NULL_OR_BLANK, WRONG_TYPE]) await expectHr(w.AddContact(asArg(bad)), 'E_INVALIDARG', ADD);
    });
    t.always('B544', 'vContact over 129 characters -> E_INVALIDARG', async (k) => {
      await expectHr((await imWithBob(k)).AddContact(TOO_LONG), 'E_INVALIDARG', ADD);
    });
    t.always('B545', 'vContact with a carriage return or a linefeed -> E_INVALIDARG', async (k) => {
      const w = await imWithBob(k);
      for (const bad of WITH_CR_LF) await expectHr(w.AddContact(bad), 'E_INVALIDARG', ADD);
    });
    t.always('im-imessengerconversationwnd-addcontact.md', 'bad input raises no OnIMWindowContactAdded', async (k) => {
      const w = await imWithBob(k);
      for (const bad of [...NULL_OR_BLANK, TOO_LONG, ...WITH_CR_LF, WRONG_TYPE]) await expectHr(w.AddContact(asArg(bad)), 'E_INVALIDARG', ADD);
      expect(k.eventsNamed('OnIMWindowContactAdded')).toHaveLength(0);
    });
    t.always('B546', 'signed out -> E_FAIL', async (k) => {
      const w = await imWithBob(k);
      await k.msn.Signout();
      await expectHr(w.AddContact(CAROL), 'E_FAIL', ADD);
    });
  });

  // ---- IMessengerWindow members on a conversation window ----------------------------------------

  const CLOSE = 'IMessengerWindow.Close';
  run.member(`${CLOSE} (conversation)`, async (k) => (await imWithBob(k)).Close(), (t) => {
    t.it('B664', 'raises OnIMWindowDestroyed(window) once and IsClosed becomes true', async (k) => {
      const w = await closedWindow(k);
      expect(k.eventsNamed('OnIMWindowDestroyed')).toEqual([[w]]);
      expect(await w.get_IsClosed()).toBe(true);
    });
    t.it('B494', 'closing again succeeds (S_FALSE) and raises no second OnIMWindowDestroyed', async (k) => {
      const w = await closedWindow(k);
      await expect(w.Close()).resolves.toBeUndefined();
      expect(k.eventsNamed('OnIMWindowDestroyed')).toHaveLength(1);
    });
    t.it('B495', 'a backend failure while closing (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; the window stays open, no OnIMWindowDestroyed', async (k) => {
      const w = await imWithBob(k);
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(w.Close(), 'E_FAIL', CLOSE);
      expect(await w.get_IsClosed()).toBe(false);
      expect(k.eventsNamed('OnIMWindowDestroyed')).toHaveLength(0);
    });
    t.it('B496', 'after Close, InstantMessage to the same contact gives a new window (and OnIMWindowCreated again)', async (k) => {
      const old = await closedWindow(k);
      const fresh = await imWithBob(k);
      expect(fresh).not.toBe(old);
      expect(await fresh.get_IsClosed()).toBe(false);
      expect(k.eventsNamed('OnIMWindowCreated')).toEqual([[old], [fresh]]);
    });
  });

  const HWND = 'IMessengerWindow.HWND';
  run.member(`${HWND} (conversation)`, async (k) => (await imWithBob(k)).get_HWND(), (t) => {
    t.it('B507', 'a number, and each conversation window has its own', async (k) => {
      const bob = await (await imWithBob(k)).get_HWND();
      const carol = await (await k.msn.InstantMessage(CAROL)).get_HWND();
      expect(typeof bob).toBe('number');
      expect(Number.isInteger(bob)).toBe(true);
      expect(carol).not.toBe(bob);
    });
    t.it('B505', 'a closed window -> E_FAIL', async (k) => {
      await expectHr((await closedWindow(k)).get_HWND(), 'E_FAIL', HWND);
    });
  });

  const edges = [
    { name: 'Left', get: (w: ConversationWindow) => w.get_Left(), put: (w: ConversationWindow, v: number) => w.put_Left(v), closed: 'B514', size: false },
    { name: 'Top', get: (w: ConversationWindow) => w.get_Top(), put: (w: ConversationWindow, v: number) => w.put_Top(v), closed: 'B531', size: false },
    { name: 'Width', get: (w: ConversationWindow) => w.get_Width(), put: (w: ConversationWindow, v: number) => w.put_Width(v), closed: 'B538', size: true },
    { name: 'Height', get: (w: ConversationWindow) => w.get_Height(), put: (w: ConversationWindow, v: number) => w.put_Height(v), closed: 'B501', size: true },
  ] as const;
  for (const edge of edges) {
    const member = `IMessengerWindow.${edge.name}`;
    const page = `im-imessengerwindow-${edge.name.toLowerCase()}.md`;
    run.member(`${member} (conversation)`, async (k) => edge.get(await imWithBob(k)), (t) => {
      t.it(page, 'get returns a number; put then get round-trips the value', async (k) => {
        const w = await imWithBob(k);
        expect(typeof (await edge.get(w))).toBe('number');
        await edge.put(w, 321);
        expect(await edge.get(w)).toBe(321);
      });
      if (edge.name === 'Left') {
        t.it('B518', 'no bounds checking: a negative left is accepted', async (k) => {
          await expect(edge.put(await imWithBob(k), -50)).resolves.toBeUndefined();
        });
      }
      t.it(edge.closed, 'a closed window -> E_FAIL (get and put)', async (k) => {
        const w = await closedWindow(k);
        await expectHr(edge.get(w), 'E_FAIL', member);
        await expectHr(edge.put(w, 200), 'E_FAIL', member);
      });
      if (edge.size) {
        t.always(edge.name === 'Width' ? 'B537' : 'B500', `put ${edge.name} of zero or less -> E_INVALIDARG`, async (k) => {
          const w = await imWithBob(k);
          await expectHr(edge.put(w, 0), 'E_INVALIDARG', member);
          await expectHr(edge.put(w, -10), 'E_INVALIDARG', member);
        });
      }
      t.always(page, `put a value that is not an integer (a LONG) -> E_INVALIDARG`, async (k) => {
        const w = await imWithBob(k);
        for (const bad of [10.5, Number.NaN, '100']) await expectHr(edge.put(w, bad as number), 'E_INVALIDARG', member);
      });
    });
  }

  run.member('IMessengerWindow.IsClosed (conversation)', async (k) => (await imWithBob(k)).get_IsClosed(), (t) => {
    t.it('B511', 'false while the conversation window is open, true once it is closed', async (k) => {
      const w = await imWithBob(k);
      expect(await w.get_IsClosed()).toBe(false);
      await w.Close();
      expect(await w.get_IsClosed()).toBe(true);
    });
  });

  const SHOW = 'IMessengerWindow.Show';
  run.member(`${SHOW} (conversation)`, async (k) => (await imWithBob(k)).Show(), (t) => {
    t.it('B526', 'an open window: succeeds and the window stays open', async (k) => {
      const w = await imWithBob(k);
      await expect(w.Show()).resolves.toBeUndefined();
      expect(await w.get_IsClosed()).toBe(false);
    });
    t.it('B525', 'a closed (destroyed) conversation window -> E_FAIL', async (k) => {
      await expectHr((await closedWindow(k)).Show(), 'E_FAIL', SHOW);
    });
  });

  const PROP = 'IMessengerWindow.Property';
  const { MWINDOWPROP_VIEW_SIDEBAR: SIDEBAR, MWINDOWPROP_VIEW_TOOLBAR: TOOLBAR, MWINDOWPROP_INVALID_PROPERTY: INVALID } = MWINDOWPROPERTY;
  run.member(`${PROP} (conversation)`, async (k) => (await imWithBob(k)).get_Property(SIDEBAR), (t) => {
    t.it('B524', 'sidebar and toolbar views: get gives a boolean; put then get round-trips it', async (k) => {
      const w = await imWithBob(k);
      for (const prop of [SIDEBAR, TOOLBAR]) {
        const before = await w.get_Property(prop);
        expect(typeof before).toBe('boolean');
        await w.put_Property(prop, !before);
        expect(await w.get_Property(prop)).toBe(!before);
        await w.put_Property(prop, before);
        expect(await w.get_Property(prop)).toBe(before);
      }
    });
    t.it('B522', 'putting the same value twice succeeds (S_FALSE)', async (k) => {
      const w = await imWithBob(k);
      await w.put_Property(TOOLBAR, false);
      await expect(w.put_Property(TOOLBAR, false)).resolves.toBeUndefined();
      expect(await w.get_Property(TOOLBAR)).toBe(false);
    });
    t.it('B523', 'on a Phone window -> E_NOTIMPL (get and put)', async (k) => {
      const phone = await k.msn.Phone(BOB, MPHONE_TYPE_MOBILE, '');
      await expectHr(phone.get_Property(SIDEBAR), 'E_NOTIMPL', PROP);
      await expectHr(phone.put_Property(TOOLBAR, true), 'E_NOTIMPL', PROP);
    }, { needs: ['IMessenger.Phone'] });
    t.always('B521', 'ePropType out of range or MWINDOWPROP_INVALID_PROPERTY -> E_INVALIDARG (get and put)', async (k) => {
      const w = await imWithBob(k);
      for (const bad of [INVALID, 2, -2, 0.5]) {
        await expectHr(w.get_Property(bad as MWINDOWPROPERTY), 'E_INVALIDARG', PROP);
        await expectHr(w.put_Property(bad as MWINDOWPROPERTY, true), 'E_INVALIDARG', PROP);
      }
    });
  });

  run.member('IMessengerConversationWnd (interface)', imWithBob, (t) => {
    t.it('B541', 'inherits every IMessengerWindow member and adds AddContact, Contacts and History (get only)', async (k) => {
      const window = ['Close', 'Show', 'get_HWND', 'get_IsClosed', 'get_Left', 'put_Left', 'get_Top', 'put_Top', 'get_Width', 'put_Width',
        'get_Height', 'put_Height', 'get_Property', 'put_Property'];
      expectMembers(await imWithBob(k), [...window, 'AddContact', 'get_Contacts', 'get_History'], ['put_Contacts', 'put_History', 'put_HWND', 'put_IsClosed']);
    });
  });
}
