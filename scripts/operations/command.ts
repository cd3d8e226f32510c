import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * What every operator command does around its own work: parse its arguments (an unknown one is
 * a usage error, exit 2), print the usage on --help, run, and turn a failure into one line on
 * stderr and exit 1 (with the usage again when the configuration was incomplete).
 */
export interface Command<A extends { help: boolean }> {
  usage: string;
  parse(argv: readonly string[]): A;
  /** Whether the arguments say what to do; the usage is printed when they do not. */
  ready?(args: A): boolean;
  /** Resolves false when the work ended in a state an operator must look at. */
  run(args: A): Promise<unknown>;
}

export async function runCommand<A extends { help: boolean }>(command: Command<A>, argv: readonly string[]) {
  let args: A;
  try {
    args = command.parse(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${command.usage}`);
    process.exitCode = 2;
    return;
  }
  if (args.help || command.ready?.(args) === false) {
    console.log(command.usage);
    return;
  }
  try {
    if ((await command.run(args)) === false) process.exitCode = 1;
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    console.error(message.includes('configuration is incomplete') ? `${message}\n\n${command.usage}` : message);
    process.exitCode = 1;
  }
}

/** Runs the command when its module is the script node was started with (not when a test imports it). */
export function runIfMain<A extends { help: boolean }>(moduleUrl: string, command: Command<A>) {
  if (process.argv[1] && moduleUrl === pathToFileURL(resolve(process.argv[1])).href) {
    // This project pins the SDK releases that support Node 20; their notice is not actionable here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    void runCommand(command, process.argv.slice(2));
  }
}
