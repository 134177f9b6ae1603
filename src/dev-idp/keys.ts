/**
 * The dev IdP's signing keys: an RS256 and an ES256 key pair, made fresh at each start unless a key
 * file (a private JWKS) is given. A fixed key file lets tests sign tokens the IdP "could have"
 * issued (expired ones, ones for the wrong audience) and restart the IdP with rotated keys.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { FedomopError } from '../errors.js';

export type SigningAlg = 'RS256' | 'ES256';

export async function generateSigningKeys(): Promise<JWK[]> {
  const keys: JWK[] = [];
  for (const alg of ['RS256', 'ES256'] as const) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true });
    keys.push({ ...(await exportJWK(privateKey)), alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}` });
  }
  return keys;
}

export function readKeyFile(file: string): JWK[] {
  let doc: { keys?: JWK[] };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new FedomopError('ERR_CONFIG_INVALID', `key file ${file}: ${(err as Error).message}`);
  }
  const keys = doc.keys ?? [];
  if (!keys.length || keys.some((k) => !k.d || !k.kid)) {
    throw new FedomopError('ERR_CONFIG_INVALID', `key file ${file}: needs {"keys": [...]} of private JWKs, each with a kid`);
  }
  return keys;
}

export function writeKeyFile(file: string, keys: JWK[]): void {
  writeFileSync(file, JSON.stringify({ keys }, null, 2) + '\n', { mode: 0o600 });
}
