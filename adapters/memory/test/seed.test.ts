import { MISTATUS } from '@imessenger/contract';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SeedError, seedJsonSchema, stateFromSeed, validateSeed } from '@imessenger/adapter-memory';

const minimal = { self: { signinName: 'ann@contoso.com' } };

describe('seed validation', () => {
  test('a minimal seed gets the documented defaults', () => {
    const state = stateFromSeed(minimal);
    expect(state.signedIn).toBe(false);
    expect(state.self.friendlyName).toBe('ann@contoso.com');
    expect(state.self.status).toBe(MISTATUS.MISTATUS_ONLINE);
    expect(state.services).toEqual([{ id: '{9b017612-c9f1-11d2-8d9f-0000f875c541}', name: '.NET Messenger Service', primary: true }]);
    expect(state.contactList).toEqual([]);
  });

  test.each([
    [{}, '$', 'missing required key "self"'],
    [{ self: { signinName: 'a b@x.com' } }, 'self.signinName', 'does not match'],
    [{ ...minimal, contacts: [{ signinName: 'bob@x.com', status: 7 }] }, 'contacts[0].status', '7 is not one of'],
    [{ ...minimal, contacts: [{ signinName: 'x'.repeat(130) }] }, 'contacts[0].signinName', 'at most 129'],
    [{ ...minimal, contacts: [{ signinName: 'bob@x.com', blocked: 'yes' }] }, 'contacts[0].blocked', 'expected true or false'],
    [{ ...minimal, contacts: [{ signinName: 'bob@x.com' }, { signinName: 'BOB@x.com' }] }, 'contacts[1].signinName', 'listed twice'],
    [{ ...minimal, groups: [{ name: 'G', members: ['ghost@x.com'] }] }, 'groups[0].members[0]', 'is not self, a contact or a directory user'],
    [{ ...minimal, groups: [{ name: 'G' }, { name: 'g' }] }, 'groups[1].name', 'exists already'],
    [{ ...minimal, sortOrder: 2 }, 'sortOrder', 'is not one of 0, 1'],
    [{ ...minimal, colour: 'blue' }, '$', 'unknown key "colour"'],
    [{ ...minimal, services: [{ id: 'a', name: 'A', primary: true }, { id: 'b', name: 'B', primary: true }] }, 'services', 'more than one service is primary'],
    [[], '$', 'expected an object, got an array'],
    // Keys that Object.prototype has are unknown keys too (JSON.parse makes "__proto__" an own key).
    [JSON.parse('{"self":{"signinName":"a@x.com"},"__proto__":{}}'), '$', 'unknown key "__proto__"'],
    [JSON.parse('{"self":{"signinName":"a@x.com","constructor":{}}}'), 'self', 'unknown key "constructor"'],
    [JSON.parse('{"self":{"signinName":"a@x.com","phones":{"toString":"1"}}}'), 'self.phones', 'unknown key "toString"'],
    // Nesting is bounded before the schema is walked (SEED_MAX_DEPTH): the first container too deep.
    [{ ...minimal, contacts: JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`) }, `contacts${'[0]'.repeat(31)}`, 'nested deeper than 32 levels'],
  ])('%j is rejected at %s', (seed, path, problem) => {
    let error: unknown;
    try { validateSeed(seed); } catch (e) { error = e; }
    expect(error).toBeInstanceOf(SeedError);
    expect((error as SeedError).path).toBe(path);
    expect((error as SeedError).message).toContain(problem);
  });

  test('the shipped seed.schema.json is the schema the validator uses (regenerate: npm run schema -w @imessenger/adapter-memory)', () => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'seed.schema.json'), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(seedJsonSchema())));
  });
});
