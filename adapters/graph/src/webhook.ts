/**
 * Change notifications for deployments with a public HTTPS webhook URL (the polling PresenceWatcher
 * in ports/events.ts stays on as the fallback). Two parts:
 *
 * - SubscriptionManager: after sign-in, presence subscriptions for me and my contacts
 *   (`/communications/presences?$filter=id in ('…','…')`, ≤ 650 quoted ids each, `updated`,
 *   encrypted resource data, ≤ 60 minutes: FACTS #31, #34-#37, PITFALLS C3); renewed with
 *   PATCH before they expire, re-created when Graph says they are gone, rebuilt when the contact
 *   list changes, deleted on sign-out.
 * - createWebhookHandler: the HTTP endpoint Graph calls. It answers the validation handshake
 *   (`?validationToken=` -> 200 text/plain, the token), answers notifications 202 at once, and
 *   then checks each one (clientState, known subscription, HMAC signature), decrypts the presence
 *   (RSA-OAEP-SHA1 key, AES-256-CBC data, IV = the key's first 16 bytes) and raises
 *   contactStatus/myStatus through GraphContext.notify on a real change only.
 */
import {
  constants, createDecipheriv, createHmac, createPrivateKey, type KeyObject, privateDecrypt, randomBytes, timingSafeEqual,
} from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BackendPorts, DirectoryPort, SessionPort } from '@imessenger/contract';
import { type GraphContext, PRESENCE_ID_LIMIT } from './context';
import { redact } from './errors';
import { odataString, segment } from './http';
import { registerSecret } from './secrets';
import type { PresenceWatcher } from './ports/events';
import { statusFromGraph } from './presence-map';

/** Presence subscriptions live at most 60 minutes (FACTS #31). */
export const PRESENCE_SUBSCRIPTION_MAX_MS = 60 * 60_000;
/** What we ask for: the maximum less 2 minutes, so a clock a little ahead of Graph's is not refused. */
const LIFETIME_MS = PRESENCE_SUBSCRIPTION_MAX_MS - 2 * 60_000;
/** clientState's maximum length (FACTS #37). */
const MAX_CLIENT_STATE = 128;
/** After a failed renewal or re-creation, try again this much later (while the subscription lives). */
const RETRY_MS = 60_000;
/** After subscribing failed (say, the endpoint did not answer the handshake), try again this much later. */
const RESYNC_MS = 5 * 60_000;

export interface WebhookOptions {
  /** The public HTTPS URL Graph posts change notifications to (it must answer the validation handshake). */
  readonly notificationUrl: string;
  /** The HTTPS URL for lifecycle notifications (reauthorizationRequired, subscriptionRemoved, missed); may be the same URL. */
  readonly lifecycleNotificationUrl?: string;
  /** The secret every notification must carry (≤ 128 characters). Default: 32 random bytes, base64url. */
  readonly clientState?: string;
  /** Base64 DER of the certificate whose public key Graph encrypts resource data with (required for presence, FACTS #36). */
  readonly encryptionCertificate: string;
  /** Our name for that certificate; Graph echoes it in each notification. */
  readonly encryptionCertificateId: string;
  /** The certificate's private key (PEM), to decrypt the resource data. */
  readonly privateKeyPem: string;
  /** Renew this long before a subscription expires (default 15 minutes). */
  readonly renewBeforeMs?: number;
  /** Subscription failures (create, renew, delete); default: a process warning. Polling carries on regardless. */
  readonly onError?: (error: unknown) => void;
}

/** One presence subscription as Graph confirmed it. */
export interface PresenceSubscription {
  readonly id: string;
  readonly resource: string;
  /** The user object ids it covers (≤ 650). */
  readonly userIds: readonly string[];
  readonly expirationDateTime: string;
}

/** Why a notification was ignored. */
export type RejectReason =
  | 'malformed'            // not a change or lifecycle notification we understand
  | 'clientState'          // the secret did not match
  | 'unknownSubscription'  // not one of ours (or one we already dropped)
  | 'validationTokens'     // the request's validationTokens failed the host's check
  | 'certificate'          // encrypted for a certificate id that is not ours
  | 'decryption'           // the key or data did not decrypt
  | 'signature'            // dataSignature is not the HMAC of data
  | 'resource';            // the presence is for a user the subscription does not cover

export interface RejectedNotification {
  readonly reason: RejectReason;
  readonly subscriptionId?: string;
  /** The notification as received (encrypted content stays encrypted). */
  readonly notification: unknown;
}

export interface ReceiveResult {
  readonly accepted: number;
  readonly rejected: readonly RejectedNotification[];
}

export interface ReceiveOptions {
  /**
   * Checks the request's `validationTokens` (JWTs Graph signs; validating them needs Microsoft's
   * signing keys, which this package does not fetch). When given and it returns false, every
   * notification of the request is rejected.
   */
  readonly validateTokens?: (tokens: readonly string[]) => boolean | Promise<boolean>;
}

interface ActiveSubscription {
  id: string;
  readonly resource: string;
  readonly userIds: readonly string[];
  expiresAt: number;
  /** Not before this time again, after a failed renewal. */
  retryAt: number;
}

interface EncryptedContent { data: string; dataSignature: string; dataKey: string; encryptionCertificateId?: string }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function sameSecret(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `/communications/presences?$filter=id in ('a','b')`: quoted ids (PITFALLS C3). */
export const presenceResource = (userIds: readonly string[]): string =>
  `/communications/presences?$filter=id in (${userIds.map(odataString).join(',')})`;

export class SubscriptionManager {
  /** The clientState every subscription carries and every notification must echo. */
  readonly clientState: string;
  private readonly options: WebhookOptions;
  private readonly privateKey: KeyObject;
  private readonly renewBeforeMs: number;
  private readonly active = new Map<string, ActiveSubscription>();
  private queue: Promise<void> = Promise.resolve();
  private running = false;
  /** When to try subscribing again after a failure; 0: no failure pending. */
  private resyncAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: GraphContext, private readonly watcher: PresenceWatcher, options: WebhookOptions) {
    const https = (name: string, url: string | undefined) => {
      if (url !== undefined && !/^https:\/\/\S+$/i.test(url)) throw new TypeError(`webhook.${name} must be an https URL (Graph calls nothing else), got ${JSON.stringify(url)}.`);
    };
    if (!options?.notificationUrl) throw new TypeError('webhook.notificationUrl is required.');
    https('notificationUrl', options.notificationUrl);
    https('lifecycleNotificationUrl', options.lifecycleNotificationUrl);
    if (!options.encryptionCertificate || !options.encryptionCertificateId) {
      throw new TypeError('webhook.encryptionCertificate and webhook.encryptionCertificateId are required: presence notifications are always encrypted (FACTS #36).');
    }
    if (ctx.options.auth.mode === 'application') {
      throw new TypeError('webhook: presence subscriptions need a delegated token (Presence.Read.All, FACTS #35); application tokens are refused by Graph.');
    }
    const clientState = options.clientState ?? randomBytes(32).toString('base64url');
    if (clientState.length === 0 || clientState.length > MAX_CLIENT_STATE) throw new TypeError(`webhook.clientState must be 1-${MAX_CLIENT_STATE} characters (FACTS #37).`);
    const renewBeforeMs = options.renewBeforeMs ?? 15 * 60_000;
    if (!(renewBeforeMs >= 0 && renewBeforeMs < LIFETIME_MS)) throw new TypeError(`webhook.renewBeforeMs must be between 0 and ${LIFETIME_MS} ms.`);
    try {
      this.privateKey = createPrivateKey(options.privateKeyPem);
    } catch {
      throw new TypeError('webhook.privateKeyPem is not a PEM private key.');
    }
    // Secrets by value: neither may reach an error or a log line (secrets.ts).
    registerSecret(clientState);
    registerSecret(options.privateKeyPem);
    this.clientState = clientState;
    this.renewBeforeMs = renewBeforeMs;
    this.options = options;
  }

  /** The subscriptions in force. */
  get subscriptions(): readonly PresenceSubscription[] {
    return [...this.active.values()].map((s) => ({ id: s.id, resource: s.resource, userIds: s.userIds, expirationDateTime: new Date(s.expiresAt).toISOString() }));
  }

  /** After sign-in: subscribe to me and my contacts, and keep the subscriptions renewed. */
  start(): Promise<void> {
    return this.enqueue(async () => {
      this.running = true;
      await this.sync();
    });
  }

  /** The contact list changed: subscribe new contacts, drop removed ones (no request when nothing changed). */
  refresh(): Promise<void> {
    return this.enqueue(async () => { if (this.running) await this.sync(); });
  }

  /** Renew every subscription now (the timer does this `renewBeforeMs` ahead of expiry). */
  renewNow(): Promise<void> {
    return this.enqueue(async () => {
      for (const sub of [...this.active.values()]) await this.renew(sub);
    });
  }

  /**
   * Sign-out: delete every subscription. `remote: false` only forgets them (the sign-in is already
   * gone, so Graph would refuse the DELETE; they expire within the hour).
   */
  stop(options: { remote?: boolean } = {}): Promise<void> {
    this.running = false;
    this.clearTimer();
    return this.enqueue(async () => {
      this.running = false;
      this.resyncAt = 0;
      const subs = [...this.active.values()];
      this.active.clear();
      if (options.remote === false) return;
      for (const sub of subs) await this.remove(sub);
    });
  }

  /** Resolves when the subscription work queued so far is done (tests, orderly shutdown). */
  settled(): Promise<void> { return this.queue; }

  /** Process one notification collection (`{ value: [...] }`), as the webhook handler does after answering 202. */
  async receive(payload: unknown, options: ReceiveOptions = {}): Promise<ReceiveResult> {
    const rejected: RejectedNotification[] = [];
    const items = isRecord(payload) && Array.isArray(payload['value']) ? payload['value'] as unknown[] : undefined;
    if (!items) return { accepted: 0, rejected: [{ reason: 'malformed', notification: payload }] };
    let tokensOk = true;
    const tokens = isRecord(payload) ? payload['validationTokens'] : undefined;
    if (options.validateTokens && items.some((n) => isRecord(n) && n['encryptedContent'] !== undefined)) {
      tokensOk = Array.isArray(tokens) && tokens.every((t) => typeof t === 'string') && await options.validateTokens(tokens as string[]);
    }
    let accepted = 0;
    let poll = false;
    const followUps: Promise<void>[] = [];
    for (const n of items) {
      const reject = (reason: RejectReason) => {
        rejected.push({ reason, notification: n, ...(isRecord(n) && typeof n['subscriptionId'] === 'string' ? { subscriptionId: n['subscriptionId'] } : {}) });
      };
      if (!isRecord(n) || typeof n['subscriptionId'] !== 'string') { reject('malformed'); continue; }
      const clientState = str(n['clientState']);
      if (clientState === undefined || !sameSecret(clientState, this.clientState)) { reject('clientState'); continue; }
      const sub = this.active.get(n['subscriptionId']);
      if (!sub) { reject('unknownSubscription'); continue; }
      const lifecycle = str(n['lifecycleEvent']);
      if (lifecycle !== undefined) {
        if (lifecycle === 'missed') poll = true;
        else if (lifecycle === 'reauthorizationRequired') followUps.push(this.enqueue(() => this.renew(sub)));
        else if (lifecycle === 'subscriptionRemoved') followUps.push(this.enqueue(() => this.replace(sub)));
        // Any other (future) lifecycle event needs nothing from us.
        accepted++;
        continue;
      }
      if (!tokensOk) { reject('validationTokens'); continue; }
      const encrypted = n['encryptedContent'];
      if (encrypted === undefined) {
        // A notification without resource data: the id alone says "something changed"; read it.
        poll = true;
        accepted++;
        continue;
      }
      const outcome = this.decrypt(encrypted);
      if (typeof outcome === 'string') { reject(outcome); continue; }
      // Object ids are GUIDs: compare without regard to case, then use the id as we know it.
      const id = sub.userIds.find((u) => u.toLowerCase() === outcome.id.toLowerCase());
      if (id === undefined) { reject('resource'); continue; }
      this.apply({ ...outcome, id });
      accepted++;
    }
    if (poll && this.ctx.signedIn) followUps.push(this.watcher.pollNow());
    await Promise.all(followUps);
    return { accepted, rejected };
  }

  // ---- notifications ---------------------------------------------------------------------------

  /** The presence inside `encryptedContent`, or why it cannot be trusted. */
  private decrypt(content: unknown): { id: string; availability: string; activity: string } | RejectReason {
    if (!isRecord(content)) return 'malformed';
    const c = content as Partial<Record<keyof EncryptedContent, unknown>>;
    const [data, dataSignature, dataKey] = [str(c.data), str(c.dataSignature), str(c.dataKey)];
    if (!data || !dataSignature || !dataKey) return 'malformed';
    const certificateId = str(c.encryptionCertificateId);
    if (certificateId !== undefined && certificateId !== this.options.encryptionCertificateId) return 'certificate';
    let key: Buffer;
    try {
      // RSA/ECB/OAEPWithSHA1AndMGF1Padding (changeNotificationEncryptedContent).
      key = privateDecrypt({ key: this.privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, Buffer.from(dataKey, 'base64'));
    } catch {
      return 'decryption';
    }
    if (key.length !== 32) return 'decryption';
    const bytes = Buffer.from(data, 'base64');
    const expected = createHmac('sha256', key).update(bytes).digest();
    const given = Buffer.from(dataSignature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature';
    let resource: unknown;
    try {
      const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
      resource = JSON.parse(Buffer.concat([decipher.update(bytes), decipher.final()]).toString('utf8'));
    } catch {
      return 'decryption';
    }
    if (!isRecord(resource)) return 'malformed';
    const [id, availability, activity] = [str(resource['id']), str(resource['availability']), str(resource['activity'])];
    if (!id || availability === undefined || activity === undefined) return 'malformed';
    return { id, availability, activity };
  }

  /** Same rules as the watcher: an event only on a real change; a contact's first reading is the baseline. */
  private apply(p: { id: string; availability: string; activity: string }): void {
    const me = this.ctx.me;
    if (!this.ctx.signedIn || !me) return;
    const status = statusFromGraph(p, { self: p.id === me.id });
    if (p.id === me.id) {
      if (status !== this.ctx.myStatus) {
        this.ctx.myStatus = status;
        this.ctx.presence.set(p.id, status);
        this.ctx.notify({ type: 'myStatus', status });
      }
      return;
    }
    const before = this.ctx.presence.get(p.id);
    this.ctx.presence.set(p.id, status);
    const signinName = this.ctx.contacts?.byUserId(p.id)?.signinName;
    if (signinName !== undefined && before !== undefined && before !== status) this.ctx.notify({ type: 'contactStatus', signinName, status });
  }

  // ---- subscriptions ---------------------------------------------------------------------------

  private enqueue(op: () => Promise<void>): Promise<void> {
    const run = this.queue.then(op);
    this.queue = run.catch(() => undefined).then(() => this.schedule());
    return run;
  }

  private report(error: unknown): void {
    (this.options.onError ?? ((e: unknown) => process.emitWarning(redact(`Graph presence subscription: ${e instanceof Error ? e.message : String(e)}`))))(error);
  }

  /** Me and my contacts, each once, in list order. */
  private wanted(): string[] {
    const me = this.ctx.me;
    if (!this.ctx.signedIn || !me) return [];
    return [...new Set([me.id, ...[...(this.ctx.contacts?.values() ?? [])].map((c) => c.userId)])];
  }

  /**
   * Make the subscriptions cover exactly wanted(): keep each whose ids are all still wanted; the ids
   * of the others and any new ids go, with the smallest kept subscription that has room, into new
   * subscriptions of ≤ 650; the replaced ones are deleted after their successors exist.
   */
  private async sync(): Promise<void> {
    try {
      await this.syncOnce();
      this.resyncAt = 0;
    } catch (error) {
      this.resyncAt = Date.now() + RESYNC_MS;
      throw error;
    }
  }

  private async syncOnce(): Promise<void> {
    const wanted = this.wanted();
    const want = new Set(wanted);
    const covered = new Set<string>();
    const kept: ActiveSubscription[] = [];
    const retire: ActiveSubscription[] = [];
    for (const sub of this.active.values()) {
      if (sub.userIds.every((id) => want.has(id) && !covered.has(id))) {
        kept.push(sub);
        for (const id of sub.userIds) covered.add(id);
      } else {
        retire.push(sub);
      }
    }
    let pool = wanted.filter((id) => !covered.has(id));
    if (pool.length > 0) {
      const roomy = kept.filter((s) => s.userIds.length + pool.length <= PRESENCE_ID_LIMIT).sort((a, b) => a.userIds.length - b.userIds.length)[0];
      if (roomy) {
        retire.push(roomy);
        pool = [...roomy.userIds, ...pool];
      }
    }
    for (let i = 0; i < pool.length; i += PRESENCE_ID_LIMIT) await this.create(pool.slice(i, i + PRESENCE_ID_LIMIT));
    for (const sub of retire) await this.remove(sub);
  }

  private expiry(): string { return new Date(Date.now() + LIFETIME_MS).toISOString(); }

  private async create(userIds: readonly string[]): Promise<ActiveSubscription> {
    const resource = presenceResource(userIds);
    const { notificationUrl, lifecycleNotificationUrl, encryptionCertificate, encryptionCertificateId } = this.options;
    const body = {
      changeType: 'updated',
      notificationUrl,
      ...(lifecycleNotificationUrl ? { lifecycleNotificationUrl } : {}),
      resource,
      expirationDateTime: this.expiry(),
      includeResourceData: true,
      encryptionCertificate,
      encryptionCertificateId,
      clientState: this.clientState,
    };
    // Not repeated automatically: a retry after a lost answer would leave a second subscription.
    const created = await this.ctx.http.post<{ id: string; expirationDateTime?: string }>('/subscriptions', body, { retry: false });
    const sub: ActiveSubscription = { id: created.id, resource, userIds: [...userIds], expiresAt: Date.parse(created.expirationDateTime ?? body.expirationDateTime), retryAt: 0 };
    this.active.set(sub.id, sub);
    return sub;
  }

  /** PATCH the expiry; a subscription Graph no longer knows (404) or that has lapsed is created again. */
  private async renew(sub: ActiveSubscription): Promise<void> {
    if (this.active.get(sub.id) !== sub) return;
    if (sub.expiresAt <= Date.now()) return this.replace(sub);
    try {
      const expirationDateTime = this.expiry();
      const response = await this.ctx.http.raw<{ expirationDateTime?: string }>('PATCH', `/subscriptions/${segment(sub.id, 'MSGR_E_SERVER_PROTOCOL')}`, { expirationDateTime }, { accept: [404] });
      if (response.status === 404) return this.replace(sub);
      sub.expiresAt = Date.parse(response.body?.expirationDateTime ?? expirationDateTime);
      sub.retryAt = 0;
    } catch (error) {
      sub.retryAt = Date.now() + RETRY_MS;
      this.report(error);
    }
  }

  /** The same users in a new subscription (the old one is gone on Graph's side). */
  private async replace(sub: ActiveSubscription): Promise<void> {
    if (this.active.get(sub.id) !== sub) return;
    try {
      await this.create(sub.userIds);
      this.active.delete(sub.id);
    } catch (error) {
      sub.retryAt = Date.now() + RETRY_MS;
      this.report(error);
    }
  }

  private async remove(sub: ActiveSubscription): Promise<void> {
    this.active.delete(sub.id);
    try {
      await this.ctx.http.raw('DELETE', `/subscriptions/${segment(sub.id, 'MSGR_E_SERVER_PROTOCOL')}`, undefined, { accept: [404] });
    } catch (error) {
      this.report(error);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** One timer, for the subscription due first. */
  private schedule(): void {
    this.clearTimer();
    if (!this.running) return;
    const dueAt = (s: ActiveSubscription) => Math.max(s.expiresAt - this.renewBeforeMs, s.retryAt);
    const times = [...this.active.values()].map(dueAt);
    if (this.resyncAt > 0) times.push(this.resyncAt);
    if (times.length === 0) return;
    const next = Math.min(...times);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.enqueue(async () => {
        for (const sub of [...this.active.values()]) if (dueAt(sub) <= Date.now()) await this.renew(sub);
        if (this.resyncAt > 0 && this.resyncAt <= Date.now()) await this.sync();
      }).catch((error: unknown) => this.report(error));
    }, Math.max(0, next - Date.now()));
    this.timer.unref?.();
  }

  // ---- wiring ----------------------------------------------------------------------------------

  /**
   * The ports with subscriptions following the session: start after sign-in (in the background: a
   * failed subscription leaves the sign-in and the polling intact), delete before sign-out, refresh
   * after the contact list changes. graphBackend calls this when `webhook` is given.
   */
  wire(ports: Required<BackendPorts>): Required<BackendPorts> {
    const background = (p: Promise<void>) => { p.catch((error: unknown) => this.report(error)); };
    const session: SessionPort = {
      ...ports.session,
      signin: async (request) => {
        const self = await ports.session.signin(request);
        background(this.start());
        return self;
      },
      signout: async () => {
        await this.stop().catch((error: unknown) => this.report(error));
        await ports.session.signout();
      },
    };
    const directory: DirectoryPort = {
      ...ports.directory,
      addContact: async (signinName) => {
        const record = await ports.directory.addContact(signinName);
        background(this.refresh());
        return record;
      },
      removeContact: async (signinName) => {
        await ports.directory.removeContact(signinName);
        background(this.refresh());
      },
    };
    this.ctx.watch((change) => {
      // The watcher found the sign-in gone: Graph would refuse a DELETE now.
      if (change.type === 'signedOut') background(this.stop({ remote: false }));
      else if (change.type === 'contactListAdd' || change.type === 'contactListRemove') background(this.refresh());
    });
    return { ...ports, session, directory };
  }
}

// ---- the HTTP endpoint ---------------------------------------------------------------------------

export interface WebhookHandlerOptions extends ReceiveOptions {
  /** Each ignored notification, with the reason (a forged or stale request, a key mix-up). */
  readonly onRejected?: (rejected: RejectedNotification) => void;
  /** Failures while processing after the 202 (default: a process warning). */
  readonly onError?: (error: unknown) => void;
  /** Largest request body read (default 4 MiB); larger requests get 413. */
  readonly maxBodyBytes?: number;
}

export interface WebhookHandler {
  (req: IncomingMessage, res: ServerResponse): void;
  /** Counters since creation. */
  readonly stats: { accepted: number; rejected: number };
  /** Resolves when every request received so far has been processed (tests, shutdown). */
  idle(): Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer | string) => {
      if (done) return;
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limit) { done = true; reject(new BodyTooLarge()); return; }
      chunks.push(buffer);
    });
    req.on('end', () => { if (!done) { done = true; resolve(Buffer.concat(chunks)); } });
    req.on('error', (error) => { if (!done) { done = true; reject(error); } });
  });
}

/** The body as JSON: Express may have parsed it already (express.json / express.text / express.raw). */
async function payloadOf(req: IncomingMessage, limit: number): Promise<unknown> {
  const parsed = (req as IncomingMessage & { body?: unknown }).body;
  if (typeof parsed === 'string') return JSON.parse(parsed);
  if (Buffer.isBuffer(parsed)) return JSON.parse(parsed.toString('utf8'));
  if (isRecord(parsed) && (Object.keys(parsed).length > 0 || req.readableEnded)) return parsed;
  const text = (await readBody(req, limit)).toString('utf8');
  return JSON.parse(text);
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}, body?: string): void {
  if (res.headersSent) return;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * The change-notification endpoint, for `http.createServer(handler)` or `app.post(path, handler)`
 * (Express: with or without a body parser in front). Use the same handler for notificationUrl and
 * lifecycleNotificationUrl.
 */
export function createWebhookHandler(manager: SubscriptionManager, options: WebhookHandlerOptions = {}): WebhookHandler {
  const pending = new Set<Promise<void>>();
  const stats = { accepted: 0, rejected: 0 };
  const limit = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const onError = options.onError ?? ((e: unknown) => process.emitWarning(redact(`Graph change notification: ${e instanceof Error ? e.message : String(e)}`)));
  const receiveOptions: ReceiveOptions = options.validateTokens ? { validateTokens: options.validateTokens } : {};

  const serve = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const token = new URL(req.url ?? '/', 'http://localhost').searchParams.get('validationToken');
    if (token !== null && (req.method === 'POST' || req.method === 'GET')) {
      // The handshake: the decoded token, as plain text, within 10 seconds; nothing else.
      req.resume();
      answer(res, 200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' }, token);
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      answer(res, 405, { Allow: 'POST' });
      return;
    }
    let payload: unknown;
    try {
      payload = await payloadOf(req, limit);
    } catch (error) {
      req.resume();
      answer(res, error instanceof BodyTooLarge ? 413 : 400);
      return;
    }
    if (!isRecord(payload) || !Array.isArray(payload['value'])) {
      answer(res, 400);
      return;
    }
    // Answer first (Graph wants 202 within seconds), then check, decrypt and apply.
    answer(res, 202);
    const result = await manager.receive(payload, receiveOptions);
    stats.accepted += result.accepted;
    stats.rejected += result.rejected.length;
    for (const r of result.rejected) options.onRejected?.(r);
  };

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const work = serve(req, res)
      .catch((error: unknown) => {
        answer(res, 500);
        onError(error);
      })
      .finally(() => { pending.delete(work); });
    pending.add(work);
  };
  return Object.assign(handler, {
    stats,
    idle: async (): Promise<void> => { while (pending.size > 0) await Promise.all([...pending]); },
  });
}
