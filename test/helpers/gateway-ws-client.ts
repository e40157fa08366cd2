/**
 * Test side of the gateway fixture: a `/ws` client with a receive queue (raw JSON frames, so both dialects can be
 * written exactly), JSON POSTs and accounts that pass the gateway's validation.
 */
import WebSocket from 'ws';

export const ORIGIN = 'http://localhost:1420';
export type Frame = Record<string, unknown>;

/** A `/ws` client with a receive queue; frames are raw JSON so both dialects can be written exactly. */
export class WsClient {
  private readonly queue: Frame[] = [];
  private readonly waiters: ((frame: Frame) => void)[] = [];
  readonly closed: Promise<number>;
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const waiter = this.waiters.shift();
      if (waiter) waiter(frame);
      else this.queue.push(frame);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => resolve(code)));
  }
  /** Resolves with the client, or rejects with the HTTP status that refused the upgrade. */
  static open(url: string, origin: string | null = ORIGIN): Promise<WsClient> {
    const socket = new WebSocket(url, origin ? { origin } : {});
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('unexpected-response', (_req, res) => reject(new Error(`status ${res.statusCode}`)));
      socket.once('error', reject);
    });
  }
  send(frame: Frame | string): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  next(timeoutMs = 3_000): Promise<Frame> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const waiter = (frame: Frame) => {
        clearTimeout(timer);
        resolve(frame);
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no ws frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
  close(): void {
    this.socket.terminate();
  }
}

export const post = (url: string, body: unknown, token?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
export const account = (username: string) => ({
  email: `${username}@example.test`,
  password: 'correct-horse-battery',
  display_name: username,
  username,
  public_key: 'ab'.repeat(32),
});

