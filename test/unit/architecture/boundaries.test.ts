import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules live in the lint (eslint.config.js, eslint-plugin-boundaries), so a forbidden
 * import fails CI. Each case lints a file that is not in the tree, as if it were at `file`, with
 * the project's own configuration: a rule that stopped biting would let it through.
 */

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const eslint = new ESLint({ cwd: projectRoot });

async function boundaryErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(projectRoot, file) });
  return result!.messages
    .filter((message) => message.ruleId === 'boundaries/dependencies')
    .map((message) => message.message);
}

describe('the layers the lint enforces', () => {
  it.each([
    ['shared/domain imports no adapter', 'shared/domain/probe.ts', "import { keys } from '../adapters/dynamo-store';"],
    ['shared/domain imports no runtime', 'shared/domain/probe.ts', "import { logger } from '../runtime/runtime';"],
    [
      'shared/domain imports no SDK',
      'shared/domain/probe.ts',
      "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';",
    ],
    ['shared/domain imports no Lambda types', 'shared/domain/probe.ts', "import type { Context } from 'aws-lambda';"],
    ['the contract imports nothing of the project', 'events/probe.ts', "import { ENV } from '../shared/config';"],
    [
      'the contract imports no SDK',
      'events/probe.ts',
      "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';",
    ],
    [
      'functions never import infra',
      'functions/probe/handler.ts',
      "import { LOCAL_PREFIX } from '../../infra/local/stack';",
    ],
    [
      'shared never imports infra',
      'shared/adapters/probe.ts',
      "import { DEFAULT_SETTINGS } from '../../infra/settings';",
    ],
    [
      'shared never imports a script',
      'shared/runtime/probe.ts',
      "import { runReconcile } from '../../scripts/reconcile';",
    ],
    [
      'shared never imports a function',
      'shared/email/probe.ts',
      "import { wiring } from '../../functions/due-jobs/handler';",
    ],
    ['infra never imports a script', 'infra/probe.ts', "import { runReconcile } from '../scripts/reconcile';"],
    ['shared/time imports nothing of the project', 'shared/time/probe.ts', "import { ENV } from '../config';"],
  ])('%s', async (_rule, file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport const probe = 1;\n`)).toHaveLength(1);
  });

  it.each([
    [
      'the domain may use the contract and the email templates',
      'shared/domain/probe.ts',
      "import type { BookingCreated } from '../../events/schemas';\nimport { appointmentEmail } from '../email/appointment-emails';",
    ],
    [
      'the contract may use the time-zone code',
      'events/probe.ts',
      "import { canonicalTimeZone } from '../shared/time/time-zones';",
    ],
    [
      'a script may use infra and the adapters',
      'scripts/probe.ts',
      "import { LOCAL_PREFIX } from '../infra/local/stack';\nimport { keys } from '../shared/adapters/dynamo-store';",
    ],
    [
      'a function may use the runtime',
      'functions/probe/handler.ts',
      "import { createEventHandler } from '../../shared/runtime/handlers';",
    ],
  ])('allows what the layers need: %s', async (_rule, file, code) => {
    expect(await boundaryErrors(file, `${code}\nexport const probe = 1;\n`)).toEqual([]);
  });
});
