/**
 * Signed in at start (`graphBackend({ signedInAtStart })`): legacy programs assume the Messenger
 * client is already running and signed in, as it was from logon. A session whose auth has an
 * account at hand (GraphAuth.signinSilently: a configured token, an application's actAs, an
 * account in the MSAL cache) signs in before it answers its first call: every port call waits for
 * the start-up sign-in, which runs once, at the first call (never at construction: a backend
 * nobody calls makes no request). It goes through the session port like Signin does (the same
 * requests, the watcher, the webhook's subscriptions) but raises no event: the real client had
 * signed in before the program connected, so the program never saw OnSignin. A failure leaves the
 * session signed out with a warning, never a rejected call; Signin then works as before.
 */
import type { BackendPorts, SessionPort } from '@imessenger/contract';
import type { GraphAuth } from './auth/auth';
import { redact } from './errors';

/** Port members that are not calls to wait on: `watch` subscribes synchronously (core does it at construction). */
const NOT_GATED = new Set(['watch']);

export interface StartupOptions {
  /**
   * true: sign in at start; warn when there is no account to sign in with. undefined (the default):
   * sign in at start when the auth has an account at hand, quietly stay signed out when it has none.
   * false: start signed out (callers sign in with Signin / AutoSignin).
   */
  readonly signedInAtStart?: boolean;
  /** Where a failed start-up sign-in is reported (default: a process warning). */
  readonly onWarning?: (message: string) => void;
}

export class StartupSignin {
  private done: Promise<void> | undefined;

  constructor(private readonly auth: GraphAuth, private readonly session: SessionPort, private readonly options: StartupOptions) {
    if (options.signedInAtStart === false) this.done = Promise.resolve();
  }

  /** Resolves once the start-up sign-in is over (signed in or not); starts it at the first call. Never rejects. */
  ready(): Promise<void> {
    return (this.done ??= this.run());
  }

  /**
   * An explicit sign-in that reaches the session port before any other call (a host driving the
   * ports itself) replaces the start-up sign-in; one after it waits for it.
   */
  superseded(): Promise<void> {
    return (this.done ??= Promise.resolve());
  }

  /** `ports` with every call waiting for the start-up sign-in first. */
  gate<P extends Required<BackendPorts>>(ports: P): P {
    const wait = <T extends object>(port: T, first: () => Promise<void>, name?: string): T => new Proxy(port, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        if (NOT_GATED.has(String(property))) return value.bind(target);
        const before = name === 'session' && property === 'signin' ? () => this.superseded() : first;
        return async (...args: unknown[]) => { await before(); return (value as (...a: unknown[]) => unknown).apply(target, args); };
      },
    });
    const gated = Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, wait(port as object, () => this.ready(), name)]));
    return gated as P;
  }

  private async run(): Promise<void> {
    const explicit = this.options.signedInAtStart === true;
    try {
      if (!this.auth.signinSilently) {
        if (explicit) this.warn('this auth cannot sign in without the user (it has no signinSilently); the session starts signed out');
        return;
      }
      const account = await this.auth.signinSilently();
      if (!account) {
        if (explicit) this.warn('no account to sign in with (none in the token cache, or it needs the user again); the session starts signed out');
        return;
      }
      await this.session.signin({ signinName: account.username, password: '' });
    } catch (error) {
      this.warn(`signing in at start failed (${error instanceof Error ? error.message : String(error)}); the session starts signed out: call Signin to sign in`);
    }
  }

  private warn(message: string): void {
    const text = redact(`Graph: ${message}.`);
    if (this.options.onWarning) {
      try { this.options.onWarning(text); } catch { /* a reporter that throws must not fail a call */ }
      return;
    }
    process.emitWarning(text, 'GraphStartupWarning');
  }
}
