/** The `imessenger` command as a library: run legacy scripts in-process, parse its command line. */
export { runScript, type RunScriptOptions } from './run';
export { runIsolated } from './isolate';
export { MEMORY_EXIT_CODE, TIMEOUT_EXIT_CODE } from './limits';
export { main, type Io } from './main';
export { serve, NOT_RUNNING } from './serve';
export {
  BACKEND_OPTIONS, BACKENDS, BUNDLED_SEED_PATH, COMMANDS, MAIN_SPEC, MAIN_USAGE, RUN_SPEC, SERVE_SPEC, SERVE_USAGE, backendFromOptions, parseArgs, parseRunArgs,
  parseServeArgs, USAGE, UsageError, version, type BackendKind, type BackendValues, type Command, type Env, type RunCommand, type ServeCommand,
} from './args';
export { rewriteScript, handlerFunctionName, type EventHandlerDeclaration, type RewriteResult } from './rewrite';
export { JScriptCompilationError } from './conditional';
export { formatScriptError, type ScriptPosition } from './report';
