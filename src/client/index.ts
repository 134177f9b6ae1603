export { HubClient, ARROW_STREAM_MIME, type HubClientOptions } from './hub-client.js';
export type { RunOptions } from './run.js';
export type { TokenSource } from './http.js';
export { parseSse, type SseMessage } from './sse.js';
export { buildFederatedResult, plainRows, type FederatedResult, type PlainRow, type SiteFailure } from './federated-result.js';
export type {
  Concept,
  HubEvent,
  HubIteration,
  HubSite,
  ProgressSnapshot,
  QueryState,
  QueryStatus,
  SiteBatch,
  SiteError,
  SiteInfo,
  SiteState,
  SiteStatus,
  SubmitResult,
  PreviewResult,
  SitePreview,
} from './types.js';
