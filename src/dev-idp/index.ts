// The development identity provider (stands in for Helmholtz AAI) and its non-interactive client.
export { startDevIdp } from './server.js';
export type { DevIdp, DevIdpOptions } from './server.js';
export { devToken, DEFAULT_DEV_SCOPE } from './dev-token.js';
export type { DevTokenOptions, DevTokens } from './dev-token.js';
export { DEMO_USERS, DEMO_VO, demoGroup, loadUsersFile } from './users.js';
export type { DevClient, DevUser, UsersFile } from './users.js';
export { generateSigningKeys, readKeyFile, writeKeyFile } from './keys.js';
export type { SigningAlg } from './keys.js';
export {
  DEFAULT_AUDIENCE,
  FEDOMOP_RESOURCE,
  LAB_CLIENT_ID,
  LOOPBACK_CALLBACK_PATHS,
  SCOPES,
  isLoopbackCallback,
  isLoopbackOrigin,
} from './provider.js';
