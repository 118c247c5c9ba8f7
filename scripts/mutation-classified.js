/**
 * Surviving mutants of packages/core/src that are equivalent (no program can observe them), each
 * with the reason; read by scripts/mutation-summary.js. Matched by file, mutator, a piece of the
 * mutated line and (where given) the replacement, the mutated expression (`original`) and a piece of
 * the next line (`next`, for two lines alike), so the list survives line moves. Error-description
 * wording needs no entry (the script recognises it). No `mutator`: any mutator on that line;
 * `original`: only the mutant of that expression. Behavioural survivors are not listed here:
 * docs/mutation.md lists them with the reason they remain.
 */
exports.classified = [
  // validation.ts: a parameter's name is used only in the description of the error it names.
  ...['checkContactName', 'checkSigninName', 'checkServiceId', 'checkGroupName'].map((fn) => ({
    file: 'validation.ts', mutator: 'StringLiteral', line: `export function ${fn}(`,
    reason: 'error description wording: the parameter name a description quotes',
  })),
  { file: 'validation.ts', mutator: 'StringLiteral', line: "return checkServiceId(value, member, 'vService'", replacement: '""', reason: 'error description wording: the parameter name a description quotes' },
  { file: 'validation.ts', mutator: 'StringLiteral', line: "return checkInteger(value ?? 0, member, 'hwndParent')", replacement: '""', reason: 'error description wording: the parameter name a description quotes' },
  {
    file: 'validation.ts', line: 'if (value !== null && value !== undefined && typeof value !== ',
    reason: 'equivalent: checkContactName then refuses the same values (NULL, a non-string) with the same E_INVALIDARG; only the description differs',
  },
  {
    file: 'validation.ts', mutator: 'MethodExpression', line: 'if (id.trim().length === 0)', replacement: 'id',
    reason: 'equivalent: an all-space id then fails the next check (no white space) with the same E_INVALIDARG',
  },
  {
    file: 'outcomes.ts', mutator: 'ConditionalExpression', line: 'return name !== undefined &&', replacement: 'true',
    reason: 'equivalent: includes(undefined) is false, as the check it replaces',
  },
  {
    file: 'runtime.ts', mutator: 'StringLiteral', line: "readonly outcomeMode: OutcomeMode = 'events'",
    reason: 'equivalent: the default is never used (Messenger, the only caller, always passes the mode)',
  },
  {
    file: 'runtime.ts', mutator: 'StringLiteral', line: "keyOf(window.record.contacts[0] ?? '')",
    reason: "equivalent: contacts.length === 1 was checked just before, so contacts[0] is never undefined",
  },
  // `typeof value !== 'number'` -> false: the next test refuses a non-number all the same (includes
  // finds no number's match in a string; Number.isInteger of a non-number is false), with the same HRESULT.
  ...['if (typeof value !== \'number\' || !values.includes(value))', 'if (typeof value !== \'number\' || !Number.isInteger(value) || value < 0)',
    'if (typeof value !== \'number\' || !Number.isInteger(value)) fail('].map((line) => ({
    file: 'validation.ts', mutator: 'ConditionalExpression', line, replacement: 'false', original: "typeof value !== 'number'",
    reason: 'equivalent: the check after it refuses a non-number with the same HRESULT',
  })),
  // messenger.ts: the parameter names it hands to the checks, which quote them in error descriptions only.
  ...['mStatus', 'PhoneType', 'bstrEMail', 'vbstrCountry', 'bstrFirstName', 'bstrLastName', 'vbstrCity', 'vbstrState', 'ePhoneNumber',
    'bstrNumber', 'bstrFileName', 'bstrAppID', 'mOptionPage', 'Sort', 'ePropType', 'bstrSigninName', 'bstrPassword'].map((param) => ({
    file: 'messenger.ts', mutator: 'StringLiteral', line: `'${param}'`, original: `'${param}'`,
    reason: 'error description wording: the parameter name a description quotes',
  })),
  {
    file: 'messenger.ts', mutator: 'StringLiteral', line: "const name = checkSigninName(bstrEMail, member, 'bstrEMail', 'E_INVALIDARG');", original: "'E_INVALIDARG'",
    reason: "equivalent: the HRESULT for a NULL name, and AddContact has already taken NULL and '' to the Add a Contact wizard (B003)",
  },
  {
    file: 'runtime.ts', mutator: 'StringLiteral', line: 'throw this.unsupported(member, CAPABILITY_HRESULTS[capability], `The ',
    reason: 'error description wording',
  },
  {
    file: 'runtime.ts', line: 'isCurrent(contact: MessengerContact): boolean {',
    reason: 'equivalent: the fast path only; current(), taken instead, returns the same record of a current contact without a backend call',
  },
  {
    file: 'runtime.ts', mutator: 'UpdateOperator', line: 'this.session++;',
    reason: 'equivalent: session numbers are only compared for equality, and a decreasing counter never repeats either',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'return contact.record.status === MISTATUS.MISTATUS_OFFLINE ? contact.record :', replacement: 'false',
    reason: 'equivalent: a new record with the same values instead of the one held (an allocation)',
  },
  {
    file: 'runtime.ts', mutator: 'ArrayDeclaration', line: 'const found: (MessengerContact | undefined)[] = new Array(signinNames.length);',
    reason: 'equivalent: the array is filled index by index; its initial length is only a size hint',
  },
  {
    file: 'runtime.ts', mutator: 'StringLiteral', line: "const serviceId = entries.includes(null) ? (await this.primaryService()).id : '';",
    reason: 'equivalent: the service id is used for strangers only, and this branch has none',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'const madeMeanwhile = this.contacts.size !== held;', replacement: 'true',
    reason: 'equivalent: the map lookup it enables finds nothing when nothing was made meanwhile, and the object is made as before',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'if (known) this.contactList.added(known.record); else this.contactList.invalidate();', replacement: 'false',
    reason: 'equivalent: the index is read again from the backend instead of updated in place: the same contacts, one more list read',
  },
  // The local user's own contact: its reads come from the session (Runtime.current -> selfContactRecord),
  // and what changes for the user arrives as OnMy… events, never as a contact's (B666, B677).
  ...[['ConditionalExpression', 'false'], ['BlockStatement', '{}']].map(([mutator, replacement]) => ({
    file: 'messenger.ts', mutator, replacement, line: 'if (keyOf(self.signinName) === keyOf(name)) {',
    reason: 'equivalent: without the branch GetContact of the local user takes the general path to the same object and values (its reads go to the session record; Blocked and CanPage are false and the e-mail is the sign-in name either way); the branch saves a list question',
  })),
  {
    file: 'messenger.ts', mutator: 'ConditionalExpression', line: 'if (country !== undefined && /[^\\u0000-\\u007e]/.test(country)) {', replacement: 'true',
    reason: 'equivalent: RegExp.test(undefined) tests the text "undefined", which has no character above 126',
  },
  ...[['LogicalOperator', 'listed && false'], ['BooleanLiteral', 'true']].map(([mutator, replacement]) => ({
    file: 'runtime.ts', mutator, replacement, line: 'if (!contact) return this.make(key, record, listed ?? false);',
    reason: "equivalent: only GetContact of the local user interns without `listed`, and the local user's contact never reads it (its status comes from the session; refreshKept skips it)",
  })),
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'if (listed !== undefined) contact.listed = listed;', replacement: 'true',
    reason: "equivalent: as above: undefined (falsy) instead of the flag only for the local user's contact, which never reads it",
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'if (await this.signedIn()) this.noteSelf(await this.ports.session.self());', replacement: 'true',
    reason: 'equivalent: signed out, self() either fails (swallowed here, asked again next time) or names the last user, whom the next sign-in names again (signedInAs)',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'if (!this.knowsSelf) await this.learnSelf();', replacement: 'true',
    reason: 'equivalent: asking the session who the user is once more notes the same user (a backend call more)',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'if (contact.session !== this.session) await this.reread(contact);', replacement: 'true',
    reason: 'equivalent: reread applies an answer only to a contact of an earlier session, so for a current one it is a list question more',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'const kept = [...this.contacts.values()].filter((c) => c.listed && c.session !== session && c.key !== this.selfKey);', replacement: 'true', original: 'c.session !== session',
    reason: 'equivalent: the answer is applied only to contacts still of an earlier session (the forEach below checks again), so the mutant asks the list about more names',
  },
  {
    file: 'runtime.ts', mutator: 'ConditionalExpression', line: 'const kept = [...this.contacts.values()].filter((c) => c.listed && c.session !== session && c.key !== this.selfKey);', replacement: 'true', original: 'c.key !== this.selfKey',
    reason: "equivalent as far as the pages go: the local user's contact (B341: in their own list) reads the session, and a change of the user's own name or status is reported by OnMyFriendlyNameChange / OnMyStatusChange; the mutant would add contact events for the user, which no page describes",
  },
  // objects/: parameter names and texts that only error descriptions quote.
  ...[['objects/contact.ts', "'ePropType'"], ['objects/contact.ts', "'PhoneType'"], ['objects/service.ts', "'ePropType'"], ['objects/window.ts', "'ePropType'"]].map(([file, original]) => ({
    file, mutator: 'StringLiteral', line: original, original,
    reason: 'error description wording: the parameter name a description quotes',
  })),
  {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the source text to match, not a template
    file: 'objects/window.ts', mutator: 'StringLiteral', line: 'checkInteger(value, member, `l${name}`', original: '`l${name}`',
    reason: 'error description wording: the parameter name a description quotes',
  },
  {
    file: 'objects/window.ts', mutator: 'BooleanLiteral', line: 'return this.view.get(prop) ?? false;',
    reason: 'equivalent: checkEnum lets through only the two view properties, both in the map; `?? false` is never reached',
  },
  {
    file: 'objects/contact.ts', mutator: 'BooleanLiteral', line: 'listed = false;',
    reason: 'equivalent: Runtime.make sets `listed` on every contact it makes, before anyone reads it',
  },
  ...["if (this.rt.isCurrent(this)) return Promise.resolve(this.record.friendlyName);", 'if (this.rt.isCurrent(this)) return Promise.resolve(visibleStatus(this.record.status));'].map((line) => ({
    file: 'objects/contact.ts', mutator: 'ConditionalExpression', line, replacement: 'false',
    reason: 'equivalent: the fast path only; Runtime.current, taken instead, returns the same record of a current contact without a backend call',
  })),
  {
    file: 'objects/group.ts', mutator: 'StringLiteral', line: "const group = new MessengerGroup(rt, { id: '', name, serviceId, members: [] });",
    reason: 'equivalent: the id of a group that was not made is never sent: every member of it refuses first (removed)',
  },
  ...[['ArrowFunction', '() => undefined'], ['BooleanLiteral', 'true']].map(([mutator, replacement]) => ({
    file: 'objects/group.ts', mutator, replacement, line: 'if (!(await this.rt.signedIn())) return new MessengerContacts(this.rt, [], async () => false);',
    reason: 'equivalent: the collection is empty, so Remove refuses every contact (E_FAIL, not in this collection) before it calls the callback',
  })),
  {
    file: 'container.ts', mutator: 'ConditionalExpression', line: 'if (port) bind(token).toConstantValue(port);', replacement: 'true',
    reason: 'equivalent: a token bound to undefined resolves as an unbound optional one does (resolvePorts reads every port optional)',
  },
  // contact-list.ts: the listing loop.
  {
    file: 'contact-list.ts', mutator: 'ConditionalExpression', line: 'if (this.index) return this.index;', replacement: 'false',
    reason: 'equivalent: load() runs only while there is no index; an index installed meanwhile is found by the listing it then awaits (startListing installs its own)',
  },
  {
    file: 'contact-list.ts', mutator: 'ConditionalExpression', line: 'if (generation === this.generation) return index;', replacement: 'false',
    reason: 'equivalent: the listing just awaited installed itself as the index when nothing changed (startListing), so the next turn of the loop returns it',
  },
  ...[['ConditionalExpression', 'true'], ['OptionalChaining', 'this.loading.promise']].map(([mutator, replacement]) => ({
    file: 'contact-list.ts', mutator, replacement, line: 'const done = (): void => { if (this.loading?.promise === promise) this.loading = undefined; };',
    reason: 'equivalent but for a listing count in a race: a settled listing clears `loading` only if it is still the current one; clearing a newer one makes a third concurrent question list once more',
  })),
  ...['if (this.loading) this.generation++;', 'this.generation++;'].map((line) => ({
    file: 'contact-list.ts', mutator: 'UpdateOperator', line,
    reason: 'equivalent: generations are only compared for equality, and a decreasing counter never repeats either',
  })),
  {
    file: 'messenger.ts', mutator: 'ArrowFunction', line: 'if (await decide(this.rt, member, () => signedIn().then(() => true), () => false)) {', original: '() => false',
    reason: 'equivalent: the value is only tested for truth, and undefined is as false as false',
  },
  {
    file: 'objects/window.ts', mutator: 'ConditionalExpression', line: 'if (this.closed) return; // S_FALSE: already closed.', replacement: 'false', next: 'this.closed = true;',
    reason: "equivalent: closing the main window again sets `closed` again, and the main window's Close does nothing else (it only goes to the tray)",
  },
];
