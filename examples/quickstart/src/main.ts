/**
 * The quick-start walkthrough on the embedded in-memory backend: sign in, list contacts and groups,
 * create a group, start a video conversation, and print every DMessengerEvents event received.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MISTATUS, type MessengerEventName, TYPELIB, hresultName } from '@imessenger/contract';
import { ConversationWindow, MessengerContact, MessengerGroup, createMessenger } from '@imessenger/core';
import { memoryBackend } from '@imessenger/adapter-memory';

const STATUS_NAMES = new Map<number, string>(Object.entries(MISTATUS).map(([name, value]) => [value, name.replace('MISTATUS_', '')]));
const statusName = (s: number): string => STATUS_NAMES.get(s) ?? String(s);

/** An event argument as a person reads it, using the type library's parameter types. */
function describe(event: MessengerEventName, arg: unknown, index: number): string {
  const param = TYPELIB.find((r) => r.kind === 'event' && r.member === event)?.params[index];
  if (param?.name === 'hr' && typeof arg === 'number') return hresultName(arg) ?? String(arg);
  if (param?.type === 'MISTATUS' && typeof arg === 'number') return statusName(arg);
  if (arg instanceof MessengerContact) return arg.record.signinName;
  if (arg instanceof MessengerGroup) return `group "${arg.record.name}"`;
  if (arg instanceof ConversationWindow) return `window ${arg.record.hwnd}`;
  return JSON.stringify(arg);
}

export async function walkthrough(print: (line: string) => void = console.log): Promise<MessengerEventName[]> {
  const seed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'seed.json'), 'utf8'));
  const backend = memoryBackend({ seed });
  const msn = createMessenger({ backend });
  const received: MessengerEventName[] = [];
  msn.onAny((event, args) => {
    received.push(event);
    const shown = args.map((arg, i) => describe(event, arg, i));
    print(`  event ${event}(${shown.join(', ')})`);
  });

  print(`Backend: ${msn.backend}`);
  await msn.Signin(0, 'ann@contoso.com', 'correct-horse');
  print(`Signed in as ${await msn.get_MyFriendlyName()} <${await msn.get_MySigninName()}> on ${await msn.get_MyServiceName()}`);

  print('Contacts:');
  for await (const contact of await msn.get_MyContacts()) {
    print(`  ${(await contact.get_FriendlyName()).padEnd(12)} ${(await contact.get_SigninName()).padEnd(20)} ${statusName(await contact.get_Status())}`);
  }

  print('Groups:');
  const groups = await msn.get_MyGroups();
  for await (const group of groups) {
    const members = await group.get_Contacts();
    print(`  ${await group.get_Name()} (${await members.get_Count()} members)`);
  }

  const group = await msn.CreateGroup('Project Phoenix', await msn.get_MyServiceId());
  await group.AddContact('dave@fabrikam.com');
  print(`Created group "${await group.get_Name()}" with ${await (await group.get_Contacts()).get_Count()} member`);

  await backend.otherSide.contactStatus('dave@fabrikam.com', MISTATUS.MISTATUS_ONLINE);
  const video = await msn.StartVideo('dave@fabrikam.com');
  print(`Video conversation with dave@fabrikam.com: window ${await video.get_HWND()}, join at ${video.joinUrl}`);
  const again = await msn.StartVideo('dave@fabrikam.com');
  print(`StartVideo again returns the same window: ${again === video}`);

  await msn.Signout();
  print(`Events received: ${received.length}`);
  return received;
}

if (require.main === module) {
  walkthrough().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
