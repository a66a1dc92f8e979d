import { assertServerRuntime } from "./runtime-guard.js";

// Runs on import: a bundler that ignored the "browser" condition still fails here.
assertServerRuntime();

export { DataVaultClient, type DataVaultClientOptions } from "./client.js";
export {
  DataVaultStore,
  type BatchWriteOptions,
  type DataVaultEntry,
  type ReadOptions,
  type WriteOptions,
} from "./store.js";
export {
  DataVaultDecryptionError,
  DataVaultError,
  DataVaultNetworkError,
  DataVaultTimeoutError,
  type ClientErrorCode,
  type DataVaultErrorCode,
  type ServerErrorCode,
} from "./errors.js";
export type { FetchLike } from "./http/transport.js";
export type { KeyCacheOptions } from "./key-cache.js";
export type { SecretOptions } from "./secret-rules.js";
export { maxPlaintextBytes, DEFAULT_MAX_VALUE_CHARS } from "./validation.js";
