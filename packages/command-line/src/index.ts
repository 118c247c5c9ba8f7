/**
 * The `imessenger` command line, shared by every command (`run` in @imessenger/cli, `migrate …` in
 * @imessenger/migration): one parser, one help layout, one error style, one exit-code table, and
 * the waiting line.
 */
export { EXIT, EXIT_CODES, type ExitCode } from './exit-codes';
export { UsageError, failureText, messageOf, usageErrorText } from './errors';
export {
  HELP_OPTION, defineCommand, parseCommandLine,
  type CommandLine, type CommandSpec, type OptionSpec, type OptionSpecs, type OptionValues,
} from './parse';
export { HELP_WIDTH, exitCodesHelp, formatHelp, optionsHelp, wrap } from './help';
export { createWaitingLine, waitFor, type WaitingLine, type WaitingLineOptions, type WaitingStream } from './waiting';
export { didYouMean, editDistance } from './did-you-mean';
export { runCommand, type CommandIo, type RunCommandOptions } from './run-command';
