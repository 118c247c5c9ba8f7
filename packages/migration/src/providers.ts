/**
 * Where migration reaches users: a provider opens a signed-in Messenger (core's async face) for one
 * user on one backend. Routing, shadowing, dual-writing and copying all work through core, so every
 * documented rule applies to them exactly as to any caller.
 */
import type { Messenger } from '@imessenger/core';

export interface UserSession {
  readonly user: string;
  readonly messenger: Messenger;
  close(): Promise<void>;
}

export interface BackendProvider {
  /** For reports and route printing, e.g. "memory", "graph". */
  readonly name: string;
  /** A signed-in session for `user` on this backend. */
  open(user: string): Promise<UserSession>;
  /** The users this backend knows, when it can list them (for `--users` defaults). */
  users?(): Promise<readonly string[]>;
}
