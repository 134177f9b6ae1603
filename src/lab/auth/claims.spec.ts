import { describeExpiry, entitlements, shortGroup, statusText, statusTitle, toAuthUser } from './claims.js';

const NORTH = 'urn:geant:helmholtz.de:group:fedomop:north#login.helmholtz.de';
const SOUTH_ROLE = 'urn:geant:helmholtz.de:group:fedomop:south:role=member#login.helmholtz.de';

describe('claims', () => {
  it('toAuthUser: name by preference, groups from eduperson_entitlement, expiry in ms, renewable with a refresh token', () => {
    const user = toAuthUser({
      profile: {
        sub: 's-1',
        preferred_username: 'alice',
        name: 'Alice A.',
        email: 'alice@example.org',
        eduperson_entitlement: [NORTH, SOUTH_ROLE],
      },
      expires_at: 1_700_000_000,
      refresh_token: 'r',
    });
    expect(user).toStrictEqual({
      subject: 's-1',
      name: 'alice',
      email: 'alice@example.org',
      groups: [NORTH, SOUTH_ROLE],
      expiresAt: 1_700_000_000_000,
      renewable: true,
    });
    const bare = toAuthUser({ profile: { sub: 's-2', eduperson_entitlement: NORTH } });
    expect(bare.name).toBe('s-2');
    // a single entitlement may come as a string
    expect(bare.groups).toStrictEqual([NORTH]);
    expect(bare.renewable).toBe(false);
    expect(bare.expiresAt).toBe(undefined);
  });

  it('entitlements: anything but strings is dropped', () => {
    expect(entitlements(undefined)).toStrictEqual([]);
    expect(entitlements([NORTH, 3, '', null])).toStrictEqual([NORTH]);
  });

  it('shortGroup: namespace and #authority dropped, sub-groups and role kept', () => {
    expect(shortGroup(NORTH)).toBe('fedomop:north');
    expect(shortGroup(SOUTH_ROLE)).toBe('fedomop:south:role=member');
    expect(shortGroup('plain-group')).toBe('plain-group');
  });

  it('describeExpiry and statusText: minutes, hours, expired', () => {
    const now = 1_000_000;
    expect(describeExpiry(now + 59 * 60_000 + 5_000, now)).toBe('expires in 59 min');
    expect(describeExpiry(now + 65 * 60_000, now)).toBe('expires in 1 h 5 min');
    expect(describeExpiry(now + 120 * 60_000, now)).toBe('expires in 2 h');
    expect(describeExpiry(now + 10_000, now)).toBe('expires in < 1 min');
    expect(describeExpiry(now - 1, now)).toBe('expired');
    const alice = { subject: 'a', name: 'alice', groups: [NORTH, SOUTH_ROLE], expiresAt: now + 30 * 60_000, renewable: false };
    expect(statusText(alice, now)).toBe('alice · 2 groups · 30 min');
    expect(statusText({ ...alice, groups: [] }, now)).toBe('alice · 0 groups · 30 min');
    expect(statusText(null, now)).toBe('Sign in');
    const title = statusTitle(alice, now);
    expect(title).toMatch(/Groups: fedomop:north, fedomop:south:role=member/);
    expect(title).toMatch(/Sign in again when it expires/);
    expect(statusTitle({ ...alice, renewable: true }, now)).toMatch(/Renewed automatically/);
  });
});
