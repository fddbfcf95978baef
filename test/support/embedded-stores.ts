/**
 * The embedded stores an example server can keep `DATA_DIR` in (`STORE`), and what each promises when two
 * processes open one directory. The tests of test/embedded/ run once per store listed here.
 */
import { LOCK_FILE_NAME } from "../../examples/data-dir-lock.js";
import type { EmbeddedStoreKind } from "../../examples/scheduler-from-env.js";
import { newDataDir, newPgliteDataDir } from "./run-example.js";

export interface EmbeddedStore {
  /** The value of `STORE`. */
  readonly name: EmbeddedStoreKind;
  /** A fresh `DATA_DIR` for it (the caller removes it). */
  newDataDir(): string;
  /**
   * What a second process on a directory in use does: `refused`, it exits at start naming the first (the
   * store is one process's); `shared`, both serve and stay correct together.
   */
  readonly sharing: "refused" | "shared";
  /** The lock file a process leaves in `DATA_DIR` while it holds it, for a store that is `refused`. */
  readonly lockFile?: string;
}

export const EMBEDDED_STORES: readonly EmbeddedStore[] = [
  { name: "sqlite", newDataDir, sharing: "shared" },
  { name: "pglite", newDataDir: newPgliteDataDir, sharing: "refused", lockFile: LOCK_FILE_NAME },
];

/** The environment that runs an example on `store` in `dataDir`. */
export const storeEnv = (store: EmbeddedStore, dataDir: string): NodeJS.ProcessEnv => ({
  STORE: store.name,
  DATA_DIR: dataDir,
});
