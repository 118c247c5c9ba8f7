import { MISTATUS } from '@imessenger/contract';
import { NEAREST_ON_TEAMS, SETTABLE_ON_TEAMS, statusFromGraph, statusToGraph } from '@imessenger/adapter-graph';

describe('Graph presence <-> MISTATUS', () => {
  test.each([
    ['Available', 'Available', MISTATUS.MISTATUS_ONLINE],
    ['AvailableIdle', 'Available', MISTATUS.MISTATUS_IDLE],
    ['Away', 'Away', MISTATUS.MISTATUS_AWAY],
    ['Away', 'Inactive', MISTATUS.MISTATUS_AWAY],
    ['Away', 'OutOfOffice', MISTATUS.MISTATUS_OUT_OF_OFFICE],
    ['BeRightBack', 'BeRightBack', MISTATUS.MISTATUS_BE_RIGHT_BACK],
    ['Busy', 'Busy', MISTATUS.MISTATUS_BUSY],
    ['Busy', 'InACall', MISTATUS.MISTATUS_ON_THE_PHONE],
    ['Busy', 'InAConferenceCall', MISTATUS.MISTATUS_IN_A_CONFERENCE],
    ['Busy', 'InAMeeting', MISTATUS.MISTATUS_IN_A_MEETING],
    ['BusyIdle', 'Busy', MISTATUS.MISTATUS_BUSY],
    ['DoNotDisturb', 'Presenting', MISTATUS.MISTATUS_DO_NOT_DISTURB],
    ['DoNotDisturb', 'UrgentInterruptionsOnly', MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS],
    ['Offline', 'OffWork', MISTATUS.MISTATUS_OFFLINE],
    ['Offline', 'OutOfOffice', MISTATUS.MISTATUS_OUT_OF_OFFICE],
    ['PresenceUnknown', 'PresenceUnknown', MISTATUS.MISTATUS_UNKNOWN],
    // The current page's camelCase values (FACTS #22a) and values nobody documented.
    ['available', 'available', MISTATUS.MISTATUS_ONLINE],
    ['focusing', 'focusing', MISTATUS.MISTATUS_DO_NOT_DISTURB],
    ['inAMeeting', 'inAMeeting', MISTATUS.MISTATUS_IN_A_MEETING],
    ['somethingNew', 'x', MISTATUS.MISTATUS_UNKNOWN],
  ])('%s/%s reads as %s', (availability, activity, status) => {
    expect(statusFromGraph({ availability, activity })).toBe(status);
  });

  test('my own Offline while signed in is "appear offline": MISTATUS_INVISIBLE', () => {
    expect(statusFromGraph({ availability: 'Offline', activity: 'OffWork' }, { self: true })).toBe(MISTATUS.MISTATUS_INVISIBLE);
  });

  test('every status Teams can set round-trips through setUserPreferredPresence\'s pairs', () => {
    const allowed = ['Available/Available', 'Busy/Busy', 'DoNotDisturb/DoNotDisturb', 'BeRightBack/BeRightBack', 'Away/Away', 'Offline/OffWork'];
    for (const status of SETTABLE_ON_TEAMS) {
      const pair = statusToGraph(status)!;
      expect(allowed).toContain(`${pair.availability}/${pair.activity}`);
      expect(statusFromGraph(pair, { self: true })).toBe(status);
    }
    expect(SETTABLE_ON_TEAMS).toHaveLength(6);
  });

  test('statuses Teams cannot express have no pair (MyStatus put refuses them)', () => {
    for (const status of [MISTATUS.MISTATUS_ON_THE_PHONE, MISTATUS.MISTATUS_OUT_TO_LUNCH, MISTATUS.MISTATUS_IDLE, MISTATUS.MISTATUS_OFFLINE,
      MISTATUS.MISTATUS_IN_A_MEETING, MISTATUS.MISTATUS_OUT_OF_OFFICE, MISTATUS.MISTATUS_CUSTOM]) {
      expect(statusToGraph(status)).toBeUndefined();
    }
  });
});

describe("statusPolicy 'nearest': the nearest Teams presence for a status Teams cannot express", () => {
  const ALLOWED = ['Available/Available', 'Busy/Busy', 'DoNotDisturb/DoNotDisturb', 'BeRightBack/BeRightBack', 'Away/Away', 'Offline/OffWork'];
  // The table of the README ("Statuses Teams cannot express"), row by row: status -> pair -> what MyStatus reads back.
  test.each([
    [MISTATUS.MISTATUS_OFFLINE, 'Offline/OffWork', MISTATUS.MISTATUS_INVISIBLE],
    [MISTATUS.MISTATUS_IDLE, 'Away/Away', MISTATUS.MISTATUS_AWAY],
    [MISTATUS.MISTATUS_MAY_BE_AVAILABLE, 'Away/Away', MISTATUS.MISTATUS_AWAY],
    [MISTATUS.MISTATUS_OUT_TO_LUNCH, 'Away/Away', MISTATUS.MISTATUS_AWAY],
    [MISTATUS.MISTATUS_OUT_OF_OFFICE, 'Away/Away', MISTATUS.MISTATUS_AWAY],
    [MISTATUS.MISTATUS_ON_THE_PHONE, 'Busy/Busy', MISTATUS.MISTATUS_BUSY],
    [MISTATUS.MISTATUS_IN_A_MEETING, 'Busy/Busy', MISTATUS.MISTATUS_BUSY],
    [MISTATUS.MISTATUS_IN_A_CONFERENCE, 'Busy/Busy', MISTATUS.MISTATUS_BUSY],
    [MISTATUS.MISTATUS_ALLOW_URGENT_INTERRUPTIONS, 'DoNotDisturb/DoNotDisturb', MISTATUS.MISTATUS_DO_NOT_DISTURB],
  ])('MISTATUS %s is set as %s and reads back as %s', (status, pair, readBack) => {
    const sent = statusToGraph(status, 'nearest')!;
    expect(`${sent.availability}/${sent.activity}`).toBe(pair);
    expect(ALLOWED).toContain(pair);
    expect(NEAREST_ON_TEAMS.get(status)).toBe(readBack);
    expect(statusFromGraph(sent, { self: true })).toBe(readBack);
    expect(statusToGraph(status)).toBeUndefined(); // strict, the default, still refuses it
  });

  test('the table covers every status a user can choose that Teams cannot express, except CUSTOM (no meaning to map)', () => {
    const choosable = Object.values(MISTATUS).filter((s) => s !== MISTATUS.MISTATUS_UNKNOWN && s < 0x100);
    const inexpressible = choosable.filter((s) => !SETTABLE_ON_TEAMS.includes(s));
    expect(inexpressible.filter((s) => !NEAREST_ON_TEAMS.has(s))).toEqual([MISTATUS.MISTATUS_CUSTOM]);
    expect(statusToGraph(MISTATUS.MISTATUS_CUSTOM, 'nearest')).toBeUndefined();
  });

  test('statuses Teams can express are set as they are under either policy', () => {
    for (const status of SETTABLE_ON_TEAMS) expect(statusToGraph(status, 'nearest')).toEqual(statusToGraph(status, 'strict'));
  });
});
