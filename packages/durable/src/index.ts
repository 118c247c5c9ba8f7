export {
  DEFAULT_STALE_MS, DEFAULT_WAIT_MS, FileLockedError, describeHolder, lockDirOf, lockFile, lockFileSync, lockHolder, refuse, wait,
  withFileLock, withFileLockSync, type LockHolder, type LockOptions, type LockPolicy, type Release, type ReleaseSync,
} from './lock';
export { isProcessAlive, processStart } from './process';
export { cleanTmpFiles, tmpFileFor } from './tmp';
