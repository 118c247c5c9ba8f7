/**
 * The TypeScript client of `imessenger serve` (docs/protocol.md): connects to the daemon named by
 * the serve file, authenticates both ways, and makes calls by DISPID. What the C side does, in
 * TypeScript: the tests and the conformance kit's run over the wire use it, and so can any Node
 * program that wants to share the daemon's backend session.
 */
import * as net from 'node:net';
import { MessengerError } from '@imessenger/contract';
import { clientMac, MAC_BYTES, macEquals, NONCE_BYTES, nonce, serverMac } from './auth';
import { readSecret, readServeFile, secretPathOf, serveFilePath } from './files';
import { FrameReader, FrameSplitter, FrameWriter, MSG, PROTOCOL_VERSION, WIRE_HR, type WireValue } from './wire';

export interface ConnectOptions {
  /** Default: serveFilePath(). */
  readonly serveFile?: string;
  /** The secret (default: read from the secret file next to the serve file). */
  readonly secret?: Uint8Array;
  /** The port (default: the serve file's). */
  readonly port?: number;
  /** Give up connecting and authenticating after this long (default 5000 ms). */
  readonly timeoutMs?: number;
}

/** A RESULT: its HRESULT (S_OK, S_FALSE…) and value. */
export interface CallResult { readonly hresult: number; readonly value: WireValue }

export type EventListener = (sourceHandle: number, dispid: number, args: WireValue[]) => void;

interface Pending { resolve(r: CallResult): void; reject(e: Error): void }

const failure = (hr: number, detail: string): MessengerError => new MessengerError(hr, { detail });

/** A failed HRESULT: negative as a signed 32-bit value. */
const failed = (hr: number): boolean => (hr | 0) < 0;

export class ServeClient {
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<EventListener>();
  private readonly closeListeners = new Set<(why: string) => void>();
  private nextCall = 1;
  private closedWhy: string | undefined;

  private constructor(private readonly socket: net.Socket, readonly connectionId: number, splitter: FrameSplitter) {
    socket.on('data', (data: Buffer) => {
      let frames: { type: number; payload: Buffer }[];
      try { frames = splitter.push(data); } catch (e) { this.lost(`a bad frame from the daemon: ${(e as Error).message}`); return; }
      for (const f of frames) this.frame(f.type, f.payload);
    });
    socket.on('close', () => this.lost('the connection to imessenger serve closed'));
    socket.on('error', () => undefined);
  }

  /** Connect and authenticate. Rejects with CO_E_SERVER_EXEC_FAILURE (no daemon) or E_ACCESSDENIED (authentication failed). */
  static async connect(options: ConnectOptions = {}): Promise<ServeClient> {
    const serveFile = options.serveFile ?? serveFilePath();
    const port = options.port ?? readServeFile(serveFile)?.port;
    if (port === undefined) throw failure(WIRE_HR.CO_E_SERVER_EXEC_FAILURE, `imessenger serve is not running (no serve file at ${serveFile}).`);
    const secret = options.secret ?? readSecret(secretPathOf(serveFile));
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setNoDelay(true);
    const splitter = new FrameSplitter();
    return new Promise<ServeClient>((resolve, reject) => {
      const clientNonce = nonce();
      let serverNonce: Buffer | undefined;
      let settled = false;
      const fail = (e: MessengerError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        reject(e);
      };
      const timer = setTimeout(() => fail(failure(WIRE_HR.E_ACCESSDENIED, `imessenger serve did not complete authentication within ${timeoutMs} ms.`)), timeoutMs);
      const onData = (data: Buffer): void => {
        let frames: { type: number; payload: Buffer }[];
        try { frames = splitter.push(data); } catch (e) { fail(failure(WIRE_HR.E_ACCESSDENIED, `not imessenger serve on port ${port}: ${(e as Error).message}`)); return; }
        for (const { type, payload } of frames) {
          const r = new FrameReader(payload);
          if (serverNonce === undefined) {
            if (type !== MSG.HELLO) { fail(failure(WIRE_HR.E_ACCESSDENIED, `not imessenger serve on port ${port}.`)); return; }
            const version = r.u32();
            if (version !== PROTOCOL_VERSION) { fail(failure(WIRE_HR.E_ACCESSDENIED, `imessenger serve speaks protocol ${version}, this client ${PROTOCOL_VERSION}.`)); return; }
            serverNonce = Buffer.from(r.bytes(NONCE_BYTES));
            socket.write(new FrameWriter(MSG.AUTH).u32(PROTOCOL_VERSION).bytes(clientNonce).bytes(clientMac(secret, serverNonce, clientNonce)).u32(process.pid).finish());
            continue;
          }
          if (type !== MSG.WELCOME || payload.length !== MAC_BYTES + 4) { fail(failure(WIRE_HR.E_ACCESSDENIED, 'imessenger serve answered authentication with something else.')); return; }
          const proof = r.bytes(MAC_BYTES);
          if (!macEquals(proof, serverMac(secret, clientNonce, serverNonce))) { fail(failure(WIRE_HR.E_ACCESSDENIED, `the process on port ${port} could not prove it holds the secret.`)); return; }
          settled = true;
          clearTimeout(timer);
          socket.off('data', onData);
          socket.off('close', onClose);
          const client = new ServeClient(socket, r.u32(), splitter);
          resolve(client);
          return;
        }
      };
      const onClose = (): void => fail(failure(
        serverNonce === undefined ? WIRE_HR.CO_E_SERVER_EXEC_FAILURE : WIRE_HR.E_ACCESSDENIED,
        serverNonce === undefined ? `imessenger serve is not reachable on port ${port}.` : 'imessenger serve refused the authentication (is the secret file the daemon\'s?).',
      ));
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.on('error', () => undefined);
    });
  }

  /** Why the connection closed, or undefined while it is open. */
  get closed(): string | undefined { return this.closedWhy; }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  onClose(listener: (why: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => { this.closeListeners.delete(listener); };
  }

  /** A CALL; resolves with its HRESULT and value when it succeeded (S_OK, S_FALSE), rejects with a MessengerError when it failed. */
  callRaw(handle: number, dispid: number, invokeKind: number, args: readonly WireValue[]): Promise<CallResult> {
    return this.request((id) => new FrameWriter(MSG.CALL).u32(id).u32(handle).i32(dispid).u16(invokeKind).values(args));
  }

  async call(handle: number, dispid: number, invokeKind: number, args: readonly WireValue[] = []): Promise<WireValue> {
    return (await this.callRaw(handle, dispid, invokeKind, args)).value;
  }

  release(handle: number, count: number): void {
    if (this.closedWhy === undefined) this.socket.write(new FrameWriter(MSG.RELEASE).u32(handle).u32(count).finish());
  }

  async advise(): Promise<void> { await this.request((id) => new FrameWriter(MSG.ADVISE).u32(id)); }
  async unadvise(): Promise<void> { await this.request((id) => new FrameWriter(MSG.UNADVISE).u32(id)); }

  async status(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.request((id) => new FrameWriter(MSG.STATUS).u32(id))).value as string) as Record<string, unknown>;
  }

  /** Ask the daemon to stop; resolves once it has acknowledged. */
  async stop(): Promise<void> { await this.request((id) => new FrameWriter(MSG.STOP).u32(id)); }

  /** A test hook (daemon started with --test-hooks): `otherSide[method](...args)`, or "sleep". */
  async hook(method: string, args: readonly WireValue[] = [], delayMs = 0): Promise<WireValue> {
    return (await this.request((id) => new FrameWriter(MSG.HOOK).u32(id).str(method).u32(delayMs).values(args))).value;
  }

  close(): void {
    this.socket.destroy();
    this.lost('closed by the client');
  }

  private request(build: (id: number) => FrameWriter): Promise<CallResult> {
    if (this.closedWhy !== undefined) return Promise.reject(failure(WIRE_HR.RPC_S_SERVER_UNAVAILABLE, `${this.closedWhy}.`));
    const id = this.nextCall++ >>> 0;
    const frame = build(id).finish();
    return new Promise<CallResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(frame);
    });
  }

  private frame(type: number, payload: Buffer): void {
    const r = new FrameReader(payload);
    try {
      if (type === MSG.RESULT) {
        const id = r.u32();
        const hresult = r.i32() >>> 0;
        const value = r.value();
        const description = r.str();
        const p = this.pending.get(id);
        if (!p) throw new Error(`a RESULT for call ${id}, which is not waiting`);
        this.pending.delete(id);
        if (failed(hresult)) p.reject(failure(hresult, description)); else p.resolve({ hresult, value });
      } else if (type === MSG.EVENT) {
        const source = r.u32();
        const dispid = r.i32();
        const args = r.values();
        for (const l of this.listeners) l(source, dispid, args);
      } else {
        throw new Error(`an unexpected frame 0x${type.toString(16)}`);
      }
    } catch (e) {
      this.socket.destroy();
      this.lost(`a bad frame from the daemon: ${(e as Error).message}`);
    }
  }

  /** The connection is gone: every waiting call fails with RPC_S_SERVER_UNAVAILABLE, at once. */
  private lost(why: string): void {
    if (this.closedWhy !== undefined) return;
    this.closedWhy = why;
    const error = failure(WIRE_HR.RPC_S_SERVER_UNAVAILABLE, `${why} while the call waited.`);
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    for (const l of this.closeListeners) l(why);
  }
}
