/** A real `fedomop dev-idp` process for tests, and access tokens from it through `fedomop dev-token`'s code. */
import { devToken, type DevTokenOptions } from '../../src/dev-idp/index.js';
import { startService, type Service } from './processes.js';

export interface TestIdp extends Service {
  issuer: string;
  /** An access token for a user (password = user name unless given), by the real code flow. */
  token(user: string, opts?: Partial<DevTokenOptions>): Promise<string>;
}

export async function startIdp(args: string[] = []): Promise<TestIdp> {
  const service = await startService(['dev-idp', '--port', '0', ...args]);
  const issuer = /issuer (http:\/\/\S+?)[,)]/.exec(service.output())?.[1] ?? service.url;
  return {
    ...service,
    issuer,
    token: async (user, opts = {}) => (await devToken({ idp: issuer, user, ...opts })).access_token,
  };
}
