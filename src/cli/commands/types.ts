import type { CliIO } from '../io.js';

export interface Command {
  /** One line for `aigis help`. */
  summary: string;
  /** Full usage text for `aigis <command> --help`. */
  usage: string;
  /** Returns the exit code; never calls process.exit. */
  run(args: string[], io: CliIO): Promise<number>;
}
