/** The `imessenger` command as a library: run legacy scripts in-process, parse its command line. */
export { runScript, type RunScriptOptions } from './run';
export { main, type Io } from './main';
export { BACKENDS, BUNDLED_SEED_PATH, parseArgs, USAGE, UsageError, type BackendKind, type Command, type RunCommand } from './args';
export { rewriteScript, handlerFunctionName, type EventHandlerDeclaration, type RewriteResult } from './rewrite';
export { formatScriptError } from './report';
