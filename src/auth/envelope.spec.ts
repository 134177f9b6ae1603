import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EnvelopeSigner, EnvelopeVerifier, newEnvelopeKey, requestBinding } from './envelope.js';

test('an envelope passes only at its site, for its request and token, once', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'fedomop-envelope-'));
  try {
    const key = await newEnvelopeKey();
    writeFileSync(path.join(dir, 'hub.jwk'), JSON.stringify(key.privateJwk));
    writeFileSync(path.join(dir, 'keys.json'), JSON.stringify(key.publicJwks));
    const signer = await EnvelopeSigner.create(path.join(dir, 'hub.jwk'));
    assert.equal(signer.jwks().keys[0].kid, key.privateJwk.kid);
    assert.equal('d' in signer.jwks().keys[0], false, 'the published key has no private part');
    const north = EnvelopeVerifier.from(path.join(dir, 'keys.json'));
    const binding = requestBinding('POST', '/v1/execute', '{"plan":1}');
    const sign = () => signer.sign({ site: 'north', binding, token: 'tok-alice' });
    const expect = { site: 'north', binding, token: 'tok-alice' };
    const envelope = await sign();
    await north.verify(envelope, expect);
    const refused = async (e: string | undefined, exp: typeof expect, why: RegExp) =>
      assert.rejects(north.verify(e, exp), { code: 'ERR_ENVELOPE_INVALID', status: 403, message: why });
    await refused(envelope, expect, /used before/);
    await refused(await sign(), { ...expect, site: 'south' }, /another site/);
    await refused(await sign(), { ...expect, binding: requestBinding('POST', '/v1/execute', '{"plan":2}') }, /another request/);
    await refused(await sign(), { ...expect, token: 'tok-bob' }, /another token/);
    await refused(undefined, expect, /no hub envelope/);
    const other = await EnvelopeSigner.create();
    await refused(await other.sign({ site: 'north', binding, token: 'tok-alice' }), expect, /does not verify/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
