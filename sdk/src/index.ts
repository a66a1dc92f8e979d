import { assertServerRuntime } from "./runtime-guard.js";

// Runs on import: a bundler that ignored the "browser" condition still fails here.
assertServerRuntime();

export { DataVaultClient, type DataVaultClientOptions, type StoreOptions } from "./client.js";
export {
  DataVaultStore,
  type AccessLogOptions,
  type BatchWriteOptions,
  type DataVaultEntry,
  type MigrateOptions,
  type ReadOptions,
  type RefreshOptions,
  type RotationStatus,
  type SecretCheck,
  type StoreInfo,
  type WriteOptions,
} from "./store.js";
export type { RefreshFunction, RefreshInfo, RefreshResult } from "./refresh.js";
export type { MigrateProgress, MigrateResult } from "./migrate.js";
export type { GenerationCount } from "./http/wire.js";
export {
  DataVaultDecryptionError,
  DataVaultError,
  DataVaultNetworkError,
  DataVaultRollbackError,
  DataVaultTimeoutError,
  type ClientErrorCode,
  type DataVaultErrorCode,
  type ServerErrorCode,
} from "./errors.js";
export type { FetchLike } from "./http/transport.js";
export type { AccessEvent, AccessLogPage } from "./http/wire.js";
export type { KeyCacheOptions } from "./key-cache.js";
export type { SecretOptions } from "./secret-rules.js";
export { maxPlaintextBytes, DEFAULT_MAX_VALUE_CHARS } from "./validation.js";
