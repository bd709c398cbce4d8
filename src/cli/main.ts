// argv → exit code. Known errors print one line and give exit 2; anything else is a bug, printed
// with its stack only under --debug. main() never exits the process itself.

import { COMMANDS } from './commands/index.js';
import { processIO, type CliIO } from './io.js';
import { AigisError } from '../util/errors.js';
import { toolVersion } from './version.js';

async function help(io: CliIO): Promise<void> {
  const lines = ['Usage: aigis <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(9)} ${(await load()).summary}`);
  lines.push('', 'aigis <command> --help for its options · aigis --version', 'Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or usage.');
  io.stdout.write(lines.join('\n') + '\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
      await help(io);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v' || name === 'version') {
      io.stdout.write(`aigis ${toolVersion()}\n`);
      return 0;
    }
    const load = COMMANDS[name];
    if (!load) {
      io.stderr.write(`aigis: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
      return 2;
    }
    return await (await load()).run(rest, io);
  } catch (err) {
    if (err instanceof AigisError) {
      io.stderr.write(`aigis: ${err.format()}\n`);
      return err.exitCode;
    }
    const code = (err as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`aigis: ${(err as Error).message}\n`);
      return 2;
    }
    if (debug) io.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    io.stderr.write(`aigis: internal error: ${(err as Error).message}${debug ? '' : ' (run with --debug for details)'}\n`);
    return 2;
  }
}
