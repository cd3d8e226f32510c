import { LOCAL_BUNDLE_FOLDER } from './function-bundles';
import { localStackOptionsFromEnv, startLocalStack, type LocalStack } from './stack';

/**
 * `npm start`: the whole backend on this machine. Prints the endpoints and what a front end
 * sets to reach them, and stops every child process on Ctrl-C or SIGTERM.
 */
// This project pins the SDK releases that support Node 20 (see the README); their notice about
// later releases is not something a developer running the local stack can act on.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main() {
  const options = localStackOptionsFromEnv();
  console.log(
    'CareLoop local stack: starting DynamoDB Local, the SES emulator, S3, EventBridge and Scheduler, and bundling the functions…',
  );
  let starting: Promise<LocalStack> | undefined;
  let ready = false;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack${ready ? '' : ' once what has begun to start is up'}…`);
    // Stopped mid-start (a first start bundles for a while): what has started is stopped once
    // the start is through, rather than left running, DynamoDB Local's JVM with no owner.
    const stack = await starting?.catch(() => undefined);
    await stack?.stop();
    console.log('Stopped. No emulator is left running.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // `npm start` passes a SIGTERM to its shell but not always on to us: when whoever started
  // us is gone, stop too, rather than leave DynamoDB Local's JVM running with no owner.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) void stop('parent process exited');
  }, 500).unref();

  let stack: LocalStack;
  try {
    starting = startLocalStack(options);
    stack = await starting;
    ready = true;
  } catch (error) {
    if (stopping) return;
    console.error(`The local stack could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  if (stopping) return;
  const { endpoints, frontEndEnvironment } = stack;
  const bundles = [...stack.lambda.bundles.values()];
  const built = bundles.filter((bundle) => !bundle.cached).length;
  console.log(`
CareLoop is ready in ${(stack.startupMs / 1000).toFixed(1)} s${options.persistPath ? ` (data kept in ${options.persistPath})` : ' (data in memory)'}.
Functions: ${bundles.length} deployment bundles (${built} built, ${bundles.length - built} unchanged in ${LOCAL_BUNDLE_FOLDER}/), each run in Lambda-like workers of its own.

  Console (patients, bookings, emails, clock)  ${endpoints.events}/
  EventBridge (PutEvents, bus "${options.busName}")  ${endpoints.events}
  Local control                                ${endpoints.events}/_local/health | /_local/clock | /_local/dead-letters
  Inbox (SES emulator)                         ${endpoints.ses}
  DynamoDB Local (table ${frontEndEnvironment.CARELOOP_TABLE})       ${endpoints.dynamodb}
  Scheduler emulator                           ${endpoints.scheduler}
  S3, path-style (bucket ${stack.exportBucket})  ${endpoints.s3}

Point a front end's AWS SDK at it:
${Object.entries(frontEndEnvironment)
  .map(([name, value]) => `  export ${name}=${value}`)
  .join('\n')}

Try it: npm run demo   ·   Move the clock: curl -X POST ${endpoints.events}/_local/clock -d '{"advanceSeconds":86400}'
Ctrl-C stops everything.`);
}

void main();
