import { DEFAULT_SCOPES, callbackUrl, resolveIdp } from './settings.js';

describe('settings', () => {
  it('resolveIdp: the server config wins as a whole, trailing slash dropped', () => {
    const idp = resolveIdp(
      { issuer: 'http://127.0.0.1:8090/', clientId: 'fedomop-lab', scopes: ['openid', 'offline_access'] },
      { preset: 'helmholtz', clientId: 'mine', jwtAccessToken: true },
    );
    expect(idp).toStrictEqual({
      issuer: 'http://127.0.0.1:8090',
      clientId: 'fedomop-lab',
      scopes: ['openid', 'offline_access'],
      extraParameters: {},
      jwtAccessToken: false,
      source: 'server',
    });
  });

  it('resolveIdp: nothing configured, or no client id, is no sign-in', () => {
    expect(resolveIdp(null)).toBe(null);
    expect(resolveIdp({ issuer: '', clientId: '', scopes: [] }, {})).toBe(null);
    expect(resolveIdp({ issuer: 'https://idp', clientId: '', scopes: [] })).toBe(null);
    // a preset still needs the client id
    expect(resolveIdp(null, { preset: 'helmholtz' })).toBe(null);
  });

  it('resolveIdp: Helmholtz AAI presets bring issuer, claims_in_tokens and JWT access tokens; user values add', () => {
    const prod = resolveIdp(null, { preset: 'helmholtz', clientId: 'fedomop' });
    expect(prod?.issuer).toBe('https://login.helmholtz.de/oauth2');
    expect(prod?.extraParameters).toStrictEqual({ claims_in_tokens: 'token' });
    expect(prod?.jwtAccessToken).toBe(true);
    expect(prod?.scopes).toStrictEqual(DEFAULT_SCOPES);
    const dev = resolveIdp(null, {
      preset: 'helmholtz-dev',
      clientId: 'fedomop',
      jwtAccessToken: false,
      extraParameters: { prompt: 'login' },
    });
    expect(dev?.issuer).toBe('https://login-dev.helmholtz.de/oauth2');
    expect(dev?.jwtAccessToken).toBe(false);
    expect(dev?.extraParameters).toStrictEqual({ claims_in_tokens: 'token', prompt: 'login' });
    const custom = resolveIdp(
      { issuer: '', clientId: 'from-server', scopes: [] },
      { preset: 'custom', issuer: ' https://idp.example/ ', scopes: [' '] },
    );
    expect(custom?.issuer).toBe('https://idp.example');
    expect(custom?.clientId).toBe('from-server');
    // blank scopes fall back to the defaults
    expect(custom?.scopes).toStrictEqual(DEFAULT_SCOPES);
  });

  it('resolveIdp: the schema defaults (empty client id, no jwt flag) leave the preset and the server their say', () => {
    const defaults = { preset: 'helmholtz' as const, issuer: '', clientId: '', scopes: DEFAULT_SCOPES };
    const idp = resolveIdp({ issuer: '', clientId: 'server-client', scopes: [] }, defaults);
    expect(idp?.clientId).toBe('server-client');
    expect(idp?.jwtAccessToken).toBe(true);
    expect(idp?.issuer).toBe('https://login.helmholtz.de/oauth2');
  });

  it('callbackUrl: the fixed path under the lab base URL, on the lab origin', () => {
    expect(callbackUrl('http://127.0.0.1:8888', '/')).toBe('http://127.0.0.1:8888/fedomop/auth/callback');
    expect(callbackUrl('http://127.0.0.1:8888', '/user/alice/')).toBe('http://127.0.0.1:8888/user/alice/fedomop/auth/callback');
    expect(callbackUrl('http://h', 'http://h/base')).toBe('http://h/base/fedomop/auth/callback');
  });
});
