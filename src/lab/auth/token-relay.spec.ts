import type { ITokenRecord } from './model.js';
import { TokenRelay } from './token-relay.js';

const token = (t: string): ITokenRecord => ({ accessToken: t, expiresAt: 1, issuer: 'http://idp', user: 'alice' });

describe('token-relay', () => {
  it('TokenRelay: one request at a time, and only the latest state after a burst', async () => {
    const sent: Array<string | null> = [];
    let release!: () => void;
    let first = true;
    const relay = new TokenRelay(async (record) => {
      sent.push(record?.accessToken ?? null);
      if (first) {
        first = false;
        await new Promise<void>((resolve) => (release = resolve));
      }
    });
    const done = relay.push(token('a'));
    // While "a" is in flight: a renewal, another, then a sign-out. Only the sign-out must follow.
    void relay.push(token('b'));
    void relay.push(token('c'));
    void relay.push(null);
    release();
    await done;
    expect(sent).toStrictEqual(['a', null]);
  });

  it('TokenRelay: a failed send is recorded and the next state still goes out', async () => {
    const sent: Array<string | null> = [];
    const relay = new TokenRelay(async (record) => {
      sent.push(record?.accessToken ?? null);
      if (record?.accessToken === 'bad') throw new Error('server gone');
    });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      await relay.push(token('bad'));
      // The user's console says why kernels keep the old token.
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/could not hand the access token/), expect.any(Error));
    } finally {
      warn.mockRestore();
    }
    expect(String(relay.lastError)).toMatch(/server gone/);
    await relay.push(token('good'));
    expect(relay.lastError).toBe(null);
    expect(sent).toStrictEqual(['bad', 'good']);
  });
});
