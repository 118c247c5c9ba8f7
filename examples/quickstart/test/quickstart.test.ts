import { walkthrough } from '../src/main';

test('the quick-start walkthrough prints the contacts, the new group, one video window and its events', async () => {
  const lines: string[] = [];
  const events = await walkthrough((line) => lines.push(line));
  expect(lines).toContain('Signed in as Ann Lee <ann@contoso.com> on .NET Messenger Service');
  expect(lines.filter((l) => /^ {2}\S.*@/.test(l) && !l.includes('event'))).toHaveLength(3);
  expect(lines).toContain('Created group "Project Phoenix" with 1 member');
  expect(lines).toContain('StartVideo again returns the same window: true');
  expect(events.slice(0, 6)).toEqual(['OnSignin', 'OnMyStatusChange', 'OnGroupAdded', 'OnContactAddedToGroup', 'OnContactStatusChange', 'OnIMWindowCreated']);
  expect(events.at(-1)).toBe('OnSignout');
  expect(events.filter((e) => e === 'OnIMWindowCreated')).toHaveLength(1);
});
