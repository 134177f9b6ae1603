/**
 * Hands the current access token to the Jupyter server, which keeps it where this user's kernels read
 * it (PUT {base}fedomop/auth/token; DELETE on sign-out; fedomop/server_auth.py). Sends one request at a
 * time and always the latest state: a renewal and a sign-out in quick succession must not end with the
 * older token written last.
 */
import { requestServer } from '../request.js';
import type { ITokenRecord } from './model.js';

export type SendToken = (record: ITokenRecord | null) => Promise<void>;

/** The real sender: the fedomop server extension, through Jupyter's XSRF-protected API. */
export const sendToServer: SendToken = async (record) => {
  if (record) await requestServer('auth/token', { method: 'PUT', body: JSON.stringify(record) });
  else await requestServer('auth/token', { method: 'DELETE' });
};

export class TokenRelay {
  /** undefined: nothing waiting; null: a sign-out waiting. */
  private pending: ITokenRecord | null | undefined = undefined;
  private running: Promise<void> | null = null;
  private _lastError: unknown = null;

  constructor(private readonly send: SendToken = sendToServer) {}

  /** The last failure to reach the server (null after a success): kernels then hold an older token. */
  get lastError(): unknown {
    return this._lastError;
  }

  /** Queues the state to send; resolves once it (or a newer one) has been sent or has failed. */
  push(record: ITokenRecord | null): Promise<void> {
    this.pending = record;
    if (!this.running) this.running = this.drain();
    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending !== undefined) {
        const next = this.pending;
        this.pending = undefined;
        try {
          await this.send(next);
          this._lastError = null;
        } catch (err) {
          this._lastError = err;
          console.warn('fedomop: could not hand the access token to the Jupyter server (kernels keep the old one)', err);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
