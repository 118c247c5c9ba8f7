/**
 * IMessenger2.CreateGroup, IMessenger2.MyGroups, IMessengerGroup, IMessengerGroups.
 * Rules: docs/BEHAVIOUR.md (page in parentheses where a rule is cited by page).
 */
import { HR, MISTATUS } from '@imessenger/contract';
import type { MessengerGroup } from '@imessenger/core';
import { BOB, CAROL, DAVE, ERIN, KIT_SERVICE_ID, NOBODY } from '../fixture';
import { expectHr, expectMembers, groupNamed, type KitContext, type KitRun, memberNames, outcomeOf } from '../kit';


export function groupSuites(run: KitRun): void {
  const M = 'IMessenger2.CreateGroup';
  run.member(M, (k) => k.msn.CreateGroup('Probe', KIT_SERVICE_ID), (t) => {
    t.it('B286', 'creates the group, returns it, and MyGroups lists it', async (k) => {
      const g = await k.msn.CreateGroup('Project Phoenix', KIT_SERVICE_ID);
      expect(await g.get_Name()).toBe('Project Phoenix');
      expect(await (await g.get_Contacts()).get_Count()).toBe(0);
      expect(await groupNamed(k, 'Project Phoenix')).toBe(g);
    });
    t.it('B287 B639 B638', 'raises OnGroupAdded(S_OK, group) once, with the same object', async (k) => {
      const g = await k.msn.CreateGroup('Project Phoenix', KIT_SERVICE_ID);
      const added = k.eventsNamed('OnGroupAdded');
      expect(added).toHaveLength(1);
      expect(added[0]![0]).toBe(HR.S_OK);
      expect(added[0]![1]).toBe(g);
    });
    t.it('B276', 'spaces before and after the name are trimmed', async (k) => {
      const g = await k.msn.CreateGroup('   Padded   ', KIT_SERVICE_ID);
      expect(await g.get_Name()).toBe('Padded');
    });
    t.it('B286 B640', 'an existing name returns that group and OnGroupAdded reports MSGR_E_GROUP_ALREADY_EXISTS', async (k) => {
      const existing = await groupNamed(k, 'Coworkers');
      const again = await k.msn.CreateGroup('Coworkers', KIT_SERVICE_ID);
      expect(again).toBe(existing);
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(2);
      expect(k.eventsNamed('OnGroupAdded')).toEqual([[HR.MSGR_E_GROUP_ALREADY_EXISTS, existing]]);
    });
    t.it('B287 B641 B642 B638', 'the service refuses (otherSide.failNextCall: name too long, bad name, too busy, unavailable): CreateGroup returns a group that was not made and OnGroupAdded(hr, that group) reports it; MyGroups unchanged', async (k) => {
      for (const hr of ['MSGR_E_GROUP_NAME_TOO_LONG', 'MSGR_E_BAD_GROUP_NAME', 'MSGR_E_SERVER_TOO_BUSY', 'MSGR_E_SERVER_UNAVAILABLE'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        const g = await k.msn.CreateGroup('Project Phoenix', KIT_SERVICE_ID);
        const added = k.eventsNamed('OnGroupAdded');
        expect(added.map(([h]) => h)).toEqual([HR[hr]]);
        expect(added[0]![1]).toBe(g);
        expect(await g.get_Name()).toBe('Project Phoenix');
        expect(await (await g.get_Contacts()).get_Count()).toBe(0);
      }
      const groups = await k.msn.get_MyGroups();
      expect(await groups.get_Count()).toBe(2);
      // Once the service agrees, the group is made: a new object, in MyGroups.
      const made = await k.msn.CreateGroup('Project Phoenix', KIT_SERVICE_ID);
      expect(k.eventsNamed('OnGroupAdded').at(-1)).toEqual([HR.S_OK, made]);
      expect(await groupNamed(k, 'Project Phoenix')).toBe(made);
    });
    t.it('B573', 'the group a refused CreateGroup returned does not exist: adding to it raises OnContactAddedToGroup(MSGR_E_GROUP_DOES_NOT_EXIST)', async (k) => {
      k.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      const g = await k.msn.CreateGroup('Project Phoenix', KIT_SERVICE_ID);
      k.clearEvents();
      expect(await g.AddContact(BOB)).toBeUndefined();
      expect(k.eventsNamed('OnContactAddedToGroup').map(([hr, group]) => [hr, group === g])).toEqual([[HR.MSGR_E_GROUP_DOES_NOT_EXIST, true]]);
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(2);
    }, { needs: ['IMessengerGroup.AddContact'] });
    t.it('B285', 'vService may be a MessengerService object', async (k) => {
      const service = await (await k.msn.get_Services()).get_PrimaryService();
      const g = await k.msn.CreateGroup('By object', service);
      expect(await (await g.get_Service()).get_ServiceID()).toBe(KIT_SERVICE_ID);
    });
    t.always('B284', 'NULL bstrName -> E_POINTER', async (k) => {
      await expectHr(k.msn.CreateGroup(null as unknown as string, KIT_SERVICE_ID), 'E_POINTER', M);
    });
    t.always('B277', 'empty or all-space bstrName -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.CreateGroup('', KIT_SERVICE_ID), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('    ', KIT_SERVICE_ID), 'E_INVALIDARG', M);
    });
    t.always('B280', 'CR or LF in bstrName -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.CreateGroup('a\rb', KIT_SERVICE_ID), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('a\nb', KIT_SERVICE_ID), 'E_INVALIDARG', M);
    });
    t.always('B275', 'tab or non-printable character -> MSGR_E_BAD_GROUP_NAME', async (k) => {
      await expectHr(k.msn.CreateGroup('a\tb', KIT_SERVICE_ID), 'MSGR_E_BAD_GROUP_NAME', M);
      await expectHr(k.msn.CreateGroup('bell\u0007', KIT_SERVICE_ID), 'MSGR_E_BAD_GROUP_NAME', M);
    });
    t.always('B274', 'a name over the maximum length -> MSGR_E_GROUP_NAME_TOO_LONG', async (k) => {
      await expectHr(k.msn.CreateGroup('x'.repeat(62), KIT_SERVICE_ID), 'MSGR_E_GROUP_NAME_TOO_LONG', M);
    });
    t.it('B274 A01', 'a name of exactly 61 characters (after trimming) is accepted', async (k) => {
      const name = 'x'.repeat(61);
      const g = await k.msn.CreateGroup(`  ${name}  `, KIT_SERVICE_ID);
      expect(await g.get_Name()).toBe(name);
      expect(k.eventsNamed('OnGroupAdded')).toEqual([[HR.S_OK, g]]);
    });
    t.always('B275', 'DEL and the other C0 and C1 control characters -> MSGR_E_BAD_GROUP_NAME', async (k) => {
      for (const c of ['\u0000', '\u0001', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f']) {
        await expectHr(k.msn.CreateGroup(`a${c}b`, KIT_SERVICE_ID), 'MSGR_E_BAD_GROUP_NAME', M);
      }
      expect(k.eventsNamed('OnGroupAdded')).toHaveLength(0);
    });
    t.it('B275', 'printable characters next to the control ranges are accepted (space, ~, NO-BREAK SPACE, é)', async (k) => {
      const name = 'a b~c\u00a0d\u00e9';
      expect(await (await k.msn.CreateGroup(name, KIT_SERVICE_ID)).get_Name()).toBe(name);
    });
    t.always('B278', 'vService NULL -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.CreateGroup('G', null as unknown as string), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('G', undefined as unknown as string), 'E_INVALIDARG', M);
      expect(k.eventsNamed('OnGroupAdded')).toHaveLength(0);
    });
    t.always('B278 B279 B281', 'vService empty, all spaces, too long or with CR/LF -> E_INVALIDARG', async (k) => {
      await expectHr(k.msn.CreateGroup('G', ''), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('G', '   '), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('G', `{${'0'.repeat(40)}}`), 'E_INVALIDARG', M);
      await expectHr(k.msn.CreateGroup('G', 'id\r\n'), 'E_INVALIDARG', M);
    });
    t.always('B283', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      await expectHr(k.msn.CreateGroup('Later', KIT_SERVICE_ID), 'MSGR_E_NOT_LOGGED_ON', M);
    }, { signedIn: false });
    t.always('B274 B275', 'bad input changes nothing and raises no event', async (k) => {
      await expectHr(k.msn.CreateGroup('a\tb', KIT_SERVICE_ID), 'MSGR_E_BAD_GROUP_NAME', M);
      expect(k.eventsNamed('OnGroupAdded')).toHaveLength(0);
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(2);
    });
  });

  const MG = 'IMessenger2.MyGroups';
  run.member(MG, (k) => k.msn.get_MyGroups(), (t) => {
    t.it('B292', 'lists the groups with their members', async (k) => {
      const groups = await k.msn.get_MyGroups();
      expect(await groups.get_Count()).toBe(2);
      expect(await memberNames(await groupNamed(k, 'Coworkers'))).toEqual([BOB, CAROL]);
    });
    t.it('B293', 'signed out: S_OK and an empty collection', async (k) => {
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(0);
    }, { signedIn: false });
    t.it('B292', 'the same group is the same object in every collection', async (k) => {
      const a = await (await k.msn.get_MyGroups()).Item(0);
      const b = await (await k.msn.get_MyGroups()).Item(0);
      expect(a).toBe(b);
    });
  });

  const GN = 'IMessengerGroup.Name';
  run.member(GN, async (k) => (await groupNamed(k, 'Friends')).put_Name('Pals'), (t) => {
    t.it('B416 B645 B646', 'renames the group and raises OnGroupNameChanged(S_OK, group)', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await g.put_Name('Pals');
      expect(await g.get_Name()).toBe('Pals');
      expect(k.eventsNamed('OnGroupNameChanged')).toEqual([[HR.S_OK, g]]);
    });
    t.it('B645 B640', 'renaming to the name of another group: the service refuses, S_OK and OnGroupNameChanged(MSGR_E_GROUP_ALREADY_EXISTS, group); the name unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await expect(g.put_Name('Coworkers')).resolves.toBeUndefined();
      expect(k.eventsNamed('OnGroupNameChanged')).toEqual([[HR.MSGR_E_GROUP_ALREADY_EXISTS, g]]);
      expect(k.eventsNamed('OnGroupNameChanged')[0]![1]).toBe(g);
      expect(await g.get_Name()).toBe('Friends');
    });
    t.it('B647 B648', 'the service refuses the new name (otherSide.failNextCall: too long, bad name, too busy): S_OK and OnGroupNameChanged(hr, group); the name unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      for (const hr of ['MSGR_E_GROUP_NAME_TOO_LONG', 'MSGR_E_BAD_GROUP_NAME', 'MSGR_E_SERVER_TOO_BUSY'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expect(g.put_Name('Pals')).resolves.toBeUndefined();
        expect(k.eventsNamed('OnGroupNameChanged')).toEqual([[HR[hr], g]]);
        expect(await g.get_Name()).toBe('Friends');
      }
    });
    t.it('B416 A05', 'a new name of exactly 61 characters is accepted', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await g.put_Name('y'.repeat(61));
      expect(await g.get_Name()).toBe('y'.repeat(61));
    });
    t.always('B415 B416', 'the group-name rules apply to the new name', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await expectHr(g.put_Name('a\tb'), 'MSGR_E_BAD_GROUP_NAME', GN);
      await expectHr(g.put_Name('x'.repeat(62)), 'MSGR_E_GROUP_NAME_TOO_LONG', GN);
      await expectHr(g.put_Name(' '), 'E_INVALIDARG', GN);
      await expectHr(g.put_Name('a\nb'), 'E_INVALIDARG', GN);
      expect(await g.get_Name()).toBe('Friends');
    });
    t.it('B414', 'renaming a group that has been removed -> MSGR_E_GROUP_DOES_NOT_EXIST, no OnGroupNameChanged', async (k) => {
      const friends = await groupNamed(k, 'Friends');
      await (await k.msn.get_MyGroups()).Remove(friends);
      await expectHr(friends.put_Name('Pals'), 'MSGR_E_GROUP_DOES_NOT_EXIST', GN);
      expect(k.eventsNamed('OnGroupNameChanged')).toHaveLength(0);
    }, { needs: ['IMessengerGroups.Remove'] });
    // B418: the page documents nothing for NULL or empty; A05: core applies CreateGroup's rules.
    t.always('B418', 'put NULL -> E_POINTER, put "" -> E_INVALIDARG (A05: CreateGroup\'s rules); the name is unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await expectHr(g.put_Name(null as unknown as string), 'E_POINTER', GN);
      await expectHr(g.put_Name(''), 'E_INVALIDARG', GN);
      expect(await g.get_Name()).toBe('Friends');
      expect(k.eventsNamed('OnGroupNameChanged')).toHaveLength(0);
    });
    t.always('B412', 'signed out -> MSGR_E_NOT_LOGGED_ON (get and put)', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await k.msn.Signout();
      await expectHr(g.get_Name(), 'MSGR_E_NOT_LOGGED_ON', GN);
      await expectHr(g.put_Name('Pals'), 'MSGR_E_NOT_LOGGED_ON', GN);
    });
  });

  const GA = 'IMessengerGroup.AddContact';
  run.member(GA, async (k) => (await groupNamed(k, 'Friends')).AddContact(BOB), (t) => {
    t.it('B570 B571', 'adds by sign-in name and raises OnContactAddedToGroup(S_OK, group, contact)', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await g.AddContact(DAVE);
      expect(await memberNames(g)).toEqual([DAVE]);
      const [event] = k.eventsNamed('OnContactAddedToGroup');
      expect(event![0]).toBe(HR.S_OK);
      expect(event![1]).toBe(g);
      expect(event![2]).toBe(await k.msn.GetContact(DAVE, KIT_SERVICE_ID));
    });
    t.it('B404', 'accepts a MessengerContact object', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await g.AddContact(await k.msn.GetContact(ERIN, KIT_SERVICE_ID));
      expect(await memberNames(g)).toEqual([ERIN]);
    });
    t.it('B403 B572', 'a user that does not exist: the service says so in OnContactAddedToGroup(MSGR_E_USER_NOT_FOUND, group, contact); the call succeeds, the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await expect(g.AddContact(NOBODY)).resolves.toBeUndefined();
      const [event, ...more] = k.eventsNamed('OnContactAddedToGroup');
      expect(more).toHaveLength(0);
      expect(event![0]).toBe(HR.MSGR_E_USER_NOT_FOUND);
      expect(event![1]).toBe(g);
      expect(event![2]).toBe(await k.msn.GetContact(NOBODY, KIT_SERVICE_ID));
      expect(await memberNames(g)).toEqual([]);
    });
    t.it('B573', 'a group that has been removed: OnContactAddedToGroup(MSGR_E_GROUP_DOES_NOT_EXIST, group, contact); the call succeeds', async (k) => {
      const friends = await groupNamed(k, 'Friends');
      await (await k.msn.get_MyGroups()).Remove(friends);
      k.clearEvents();
      await expect(friends.AddContact(BOB)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactAddedToGroup')).toEqual([[HR.MSGR_E_GROUP_DOES_NOT_EXIST, friends, await k.msn.GetContact(BOB, KIT_SERVICE_ID)]]);
    }, { needs: ['IMessengerGroups.Remove'] });
    t.it('B572', 'the server fails the request (otherSide.failNextCall MSGR_E_SERVER_TOO_BUSY): S_OK and OnContactAddedToGroup(hr, group, contact); the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      k.otherSide.failNextCall('MSGR_E_SERVER_TOO_BUSY');
      await expect(g.AddContact(BOB)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactAddedToGroup')).toEqual([[HR.MSGR_E_SERVER_TOO_BUSY, g, await k.msn.GetContact(BOB, KIT_SERVICE_ID)]]);
      expect(await memberNames(g)).toEqual([]);
    });
    t.it('B401', 'a general failure (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; no event, the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Friends');
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(g.AddContact(BOB), 'E_FAIL', GA);
      expect(k.eventsNamed('OnContactAddedToGroup')).toHaveLength(0);
      expect(await memberNames(g)).toEqual([]);
    });
    t.always('B398 B399 B400', 'vContact NULL, empty, leading space, over 129 characters or CR/LF -> E_INVALIDARG', async (k) => {
      const g = await groupNamed(k, 'Friends');
      for (const bad of [null, '', ' bob@contoso.com', `${'b'.repeat(120)}@contoso.com`, 'bob@contoso.com\r\n']) {
        await expectHr(g.AddContact(bad as string), 'E_INVALIDARG', GA);
      }
      expect(k.eventsNamed('OnContactAddedToGroup')).toHaveLength(0);
    });
    t.always('B402', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      const g = await groupNamed(k, 'Friends');
      await k.msn.Signout();
      await expectHr(g.AddContact(BOB), 'MSGR_E_NOT_LOGGED_ON', GA);
    });
  });

  const GR = 'IMessengerGroup.RemoveContact';
  run.member(GR, async (k) => (await groupNamed(k, 'Coworkers')).RemoveContact(BOB), (t) => {
    t.it('B426 B627', 'removes and raises OnContactRemovedFromGroup(S_OK, group, contact)', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await g.RemoveContact(BOB);
      expect(await memberNames(g)).toEqual([CAROL]);
      const [event] = k.eventsNamed('OnContactRemovedFromGroup');
      expect(event).toEqual([HR.S_OK, g, await k.msn.GetContact(BOB, KIT_SERVICE_ID)]);
    });
    t.it('B629', 'someone who is not in the group (DAVE): S_OK and OnContactRemovedFromGroup(MSGR_E_USER_NOT_GROUP_MEMBER, group, contact); the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await expect(g.RemoveContact(DAVE)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactRemovedFromGroup')).toEqual([[HR.MSGR_E_USER_NOT_GROUP_MEMBER, g, await k.msn.GetContact(DAVE, KIT_SERVICE_ID)]]);
      expect(await memberNames(g)).toEqual([BOB, CAROL]);
    });
    t.it('B630', 'a group that has been removed: S_OK and OnContactRemovedFromGroup(MSGR_E_GROUP_DOES_NOT_EXIST, group, contact)', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await (await k.msn.get_MyGroups()).Remove(g);
      k.clearEvents();
      await expect(g.RemoveContact(BOB)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactRemovedFromGroup')).toEqual([[HR.MSGR_E_GROUP_DOES_NOT_EXIST, g, await k.msn.GetContact(BOB, KIT_SERVICE_ID)]]);
    }, { needs: ['IMessengerGroups.Remove'] });
    t.it('B626', 'the server fails the request (otherSide.failNextCall MSGR_E_SERVER_UNAVAILABLE): S_OK, OnContactRemovedFromGroup(hr, group, contact); Contacts.Remove keeps the contact in its snapshot', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      const members = await g.get_Contacts();
      const bob = await k.msn.GetContact(BOB, KIT_SERVICE_ID);
      k.otherSide.failNextCall('MSGR_E_SERVER_UNAVAILABLE');
      await expect(members.Remove(bob)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactRemovedFromGroup')).toEqual([[HR.MSGR_E_SERVER_UNAVAILABLE, g, bob]]);
      expect(await members.get_Count()).toBe(2);
      expect(await memberNames(g)).toEqual([BOB, CAROL]);
    });
    t.it('B423', 'a general failure (otherSide.failNextCall E_FAIL) -> E_FAIL naming the member; no event, the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      k.otherSide.failNextCall('E_FAIL');
      await expectHr(g.RemoveContact(BOB), 'E_FAIL', GR);
      expect(k.eventsNamed('OnContactRemovedFromGroup')).toHaveLength(0);
      expect(await memberNames(g)).toEqual([BOB, CAROL]);
    });
    t.always('B420 B421 B422', 'bad vContact -> E_INVALIDARG and nothing changes', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await expectHr(g.RemoveContact(' bob@contoso.com'), 'E_INVALIDARG', GR);
      await expectHr(g.RemoveContact(''), 'E_INVALIDARG', GR);
      expect(await memberNames(g)).toEqual([BOB, CAROL]);
    });
    t.always('B424', 'signed out -> MSGR_E_NOT_LOGGED_ON', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await k.msn.Signout();
      await expectHr(g.RemoveContact(BOB), 'MSGR_E_NOT_LOGGED_ON', GR);
    });
  });

  // A service that cannot tell an unknown user from one who is not in the group declares the hr it reports.
  run.member(`${GR} (unknown user)`, async (k) => outcomeOf(k, GR, 'OnContactRemovedFromGroup', async () => (await groupNamed(k, 'Coworkers')).RemoveContact(NOBODY)), (t) => {
    t.it('B425 B628', 'a user that does not exist (NOBODY): S_OK and OnContactRemovedFromGroup(MSGR_E_USER_NOT_FOUND, group, contact); the group unchanged', async (k) => {
      const g = await groupNamed(k, 'Coworkers');
      await expect(g.RemoveContact(NOBODY)).resolves.toBeUndefined();
      expect(k.eventsNamed('OnContactRemovedFromGroup')).toEqual([[HR.MSGR_E_USER_NOT_FOUND, g, await k.msn.GetContact(NOBODY, KIT_SERVICE_ID)]]);
      expect(await memberNames(g)).toEqual([BOB, CAROL]);
    });
  });

  run.member('IMessengerGroup.Contacts', async (k) => (await groupNamed(k, 'Coworkers')).get_Contacts(), (t) => {
    t.it('B408', 'the members as contact objects shared with MyContacts', async (k) => {
      const members = await (await groupNamed(k, 'Coworkers')).get_Contacts();
      expect(await members.get_Count()).toBe(2);
      expect(await members.Item(0)).toBe(await k.msn.GetContact(BOB, KIT_SERVICE_ID));
      expect(await (await members.Item(1)).get_Status()).toBe(MISTATUS.MISTATUS_AWAY);
    });
  });

  run.member('IMessengerGroup.Service', async (k) => (await groupNamed(k, 'Coworkers')).get_Service(), (t) => {
    t.it('B429', 'the service the group belongs to', async (k) => {
      const service = await (await groupNamed(k, 'Coworkers')).get_Service();
      expect(await service.get_ServiceID()).toBe(KIT_SERVICE_ID);
      expect(service).toBe(await (await k.msn.get_Services()).get_PrimaryService());
    });
  });

  const RM = 'IMessengerGroups.Remove';
  run.member(RM, async (k) => { const gs = await k.msn.get_MyGroups(); await gs.Remove(await gs.Item(1)); }, (t) => {
    t.it('B449 B651 B652', 'removes the group and raises OnGroupRemoved(S_OK, group)', async (k) => {
      const groups = await k.msn.get_MyGroups();
      const friends = await groupNamed(k, 'Friends');
      await groups.Remove(friends);
      expect(await groups.get_Count()).toBe(1);
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(1);
      expect(k.eventsNamed('OnGroupRemoved')).toEqual([[HR.S_OK, friends]]);
    });
    t.it('B653 B651', 'the service refuses (otherSide.failNextCall: does not exist, too busy): S_OK and OnGroupRemoved(hr, group); the group stays in the collection', async (k) => {
      const groups = await k.msn.get_MyGroups();
      const friends = await groupNamed(k, 'Friends');
      for (const hr of ['MSGR_E_GROUP_DOES_NOT_EXIST', 'MSGR_E_SERVER_TOO_BUSY'] as const) {
        k.clearEvents();
        k.otherSide.failNextCall(hr);
        await expect(groups.Remove(friends)).resolves.toBeUndefined();
        expect(k.eventsNamed('OnGroupRemoved')).toEqual([[HR[hr], friends]]);
        expect(k.eventsNamed('OnGroupRemoved')[0]![1]).toBe(friends);
      }
      expect(await groups.get_Count()).toBe(2);
      expect(await (await k.msn.get_MyGroups()).get_Count()).toBe(2);
    });
    t.it('B444', 'a group not in the collection -> E_FAIL', async (k) => {
      const groups = await k.msn.get_MyGroups();
      const friends = await groupNamed(k, 'Friends');
      await groups.Remove(friends);
      await expectHr(groups.Remove(friends), 'E_FAIL', RM);
    });
    t.always('B445', 'NULL group -> E_POINTER', async (k) => {
      await expectHr((await k.msn.get_MyGroups()).Remove(null as unknown as MessengerGroup), 'E_POINTER', RM);
    });
    t.always('B448', 'signed out -> MSGR_E_CONNECT', async (k) => {
      const groups = await k.msn.get_MyGroups();
      const g = await groups.Item(0);
      await k.msn.Signout();
      await expectHr(groups.Remove(g), 'MSGR_E_CONNECT', RM);
    });
  });

  for (const [member, probe] of [
    ['IMessengerGroups.Count', (k: KitContext) => k.msn.get_MyGroups().then((g) => g.get_Count())],
    ['IMessengerGroups.Item', (k: KitContext) => k.msn.get_MyGroups().then((g) => g.Item(0))],
    ['IMessengerGroups._NewEnum', (k: KitContext) => k.msn.get_MyGroups().then((g) => g.get__NewEnum())],
  ] as const) {
    run.member(member, probe, (t) => {
      t.it('B434 B438', 'Count, zero-based Item and _NewEnum agree', async (k) => {
        const groups = await k.msn.get_MyGroups();
        const viaEnum: MessengerGroup[] = [];
        for (let e = await groups.get__NewEnum(), r = await e.next(); !r.done; r = await e.next()) viaEnum.push(r.value);
        expect(viaEnum).toHaveLength(await groups.get_Count());
        expect(viaEnum[0]).toBe(await groups.Item(0));
        expect(viaEnum[1]).toBe(await groups.Item(1));
      });
      t.always('B440 B442', 'Item: a negative or fractional index -> E_INVALIDARG; past the end -> E_FAIL', async (k) => {
        const groups = await k.msn.get_MyGroups();
        await expectHr(groups.Item(-1), 'E_INVALIDARG', 'IMessengerGroups.Item');
        await expectHr(groups.Item(0.5), 'E_INVALIDARG', 'IMessengerGroups.Item');
        await expectHr(groups.Item(await groups.get_Count()), 'E_FAIL', 'IMessengerGroups.Item');
      });
      if (member === 'IMessengerGroups._NewEnum') {
        t.it('B435', 'offline: a working enumerator with zero members (and Count 0)', async (k) => {
          const groups = await k.msn.get_MyGroups();
          expect(await groups.get_Count()).toBe(0);
          expect((await (await groups.get__NewEnum()).next()).done).toBe(true);
        }, { signedIn: false });
      }
    });
  }

  run.member('IMessengerGroup (interface)', async (k) => groupNamed(k, 'Friends'), (t) => {
    t.it('B397', 'AddContact and RemoveContact, Contacts and Service (get only), Name (get and put)', async (k) => {
      expectMembers(await groupNamed(k, 'Friends'), ['AddContact', 'RemoveContact', 'get_Contacts', 'get_Service', 'get_Name', 'put_Name'],
        ['put_Contacts', 'put_Service']);
    });
  });

  run.member('IMessengerGroups (interface)', (k) => k.msn.get_MyGroups(), (t) => {
    t.it('B431', 'Item and Remove, _NewEnum and Count (get only)', async (k) => {
      expectMembers(await k.msn.get_MyGroups(), ['Item', 'Remove', 'get__NewEnum', 'get_Count'], ['put__NewEnum', 'put_Count']);
    });
  });
}
