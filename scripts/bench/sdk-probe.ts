import { createRequire } from 'node:module';

/**
 * Sees every AWS SDK call made in this process, without touching the handlers: every client
 * (DynamoDB, SES, Scheduler, SQS, Secrets Manager) sends through the one `Client` class of
 * @smithy/core, whose `send` is wrapped here. The benchmark uses it to record what a function
 * calls (the bare reference replays exactly that), to count billable operations, and to time
 * when each email was handed to SES.
 */

export interface SdkCall {
  /** The client's class, e.g. `DynamoDBClient`. */
  client: string;
  /** The command's class, e.g. `TransactWriteItemsCommand`. */
  command: string;
  input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: string;
  startedAt: number;
  endedAt: number;
}

export type SdkObserver = (call: SdkCall) => void;

interface SmithyClient {
  send(command: { input: Record<string, unknown> }, ...rest: unknown[]): Promise<Record<string, unknown>>;
}

/** DynamoDB operations that report the capacity they consumed when asked to. */
const CAPACITY_REPORTING = new Set([
  'GetItemCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'BatchWriteItemCommand',
  'TransactGetItemsCommand',
  'TransactWriteItemsCommand',
]);

const observers = new Set<SdkObserver>();
let installed = false;
let askForCapacity = false;

/**
 * Starts observing; returns a function that stops this observer. With `consumedCapacity`, every
 * DynamoDB call asks for `ReturnConsumedCapacity: INDEXES` (unless it already asks), which
 * changes nothing but the answer's size.
 */
export function observeSdkCalls(observer: SdkObserver, options: { consumedCapacity?: boolean } = {}): () => void {
  if (options.consumedCapacity) askForCapacity = true;
  install();
  observers.add(observer);
  return () => observers.delete(observer);
}

function install() {
  if (installed) return;
  installed = true;
  const require = createRequire(import.meta.url);
  const { Client } = require('@smithy/core/client') as { Client: { prototype: SmithyClient } };
  const send = Client.prototype.send;
  Client.prototype.send = async function observedSend(this: SmithyClient, command, ...rest) {
    const client = this.constructor.name;
    const commandName = (command as object).constructor.name;
    if (askForCapacity && CAPACITY_REPORTING.has(commandName) && command.input.ReturnConsumedCapacity === undefined)
      command.input.ReturnConsumedCapacity = 'INDEXES';
    const startedAt = performance.now();
    const report = (outcome: { output?: Record<string, unknown>; error?: string }) => {
      const call: SdkCall = {
        client,
        command: commandName,
        input: command.input,
        startedAt,
        endedAt: performance.now(),
        ...outcome,
      };
      for (const observer of observers) observer(call);
    };
    try {
      const output = await send.call(this, command, ...rest);
      report({ output });
      return output;
    } catch (error) {
      report({ error: (error as Error).name });
      throw error;
    }
  };
}
