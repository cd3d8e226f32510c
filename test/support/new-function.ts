import { mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FunctionDescriptor } from '../../functions/descriptor';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The function a test adds to CareLoop: one descriptor, and its folder (a handler that logs
 * and answers `probed`). Triggered by the bus, with the mailer wired, so its template shows a
 * rule, a DLQ, an on-failure queue, its grants and its environment.
 */
export const probeFunction: FunctionDescriptor = {
  name: 'probe',
  description: 'CareLoop: a function a test adds from one descriptor',
  trigger: { kind: 'bus', events: ['BookingCancelled'] },
  ports: ['mailer'],
  table: ['GetItem', 'PutItem', 'BatchGetItem'],
};

/** The probe, run every hour by a recurring schedule instead of the bus; its handler only counts. */
export const recurringProbeFunction: FunctionDescriptor = {
  name: 'hourly-probe',
  description: 'CareLoop: a recurring function a test adds from one descriptor',
  trigger: { kind: 'schedule', every: { amount: 1, unit: 'hours' } },
  ports: [],
  table: [],
};

/**
 * A function that writes patient data exports (the `exports` port), as the export function will:
 * the infra tests synthesize it to see its grants and environment.
 */
export const exportProbeFunction: FunctionDescriptor = {
  name: 'export-probe',
  description: 'CareLoop: a function a test adds that writes patient data exports',
  trigger: { kind: 'bus', events: ['BookingCancelled'] },
  ports: ['exports'],
  table: ['GetItem', 'PutItem'],
};

/**
 * A project tree with the probes' folders added to functions/: every other folder is a link to
 * the repository's own, so the tree builds and runs as the repository does. For the CDK stack's
 * and the local stack's `projectRoot`.
 */
export function projectWithProbe(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'careloop-new-function-'));
  for (const entry of ['events', 'shared', 'node_modules', 'package.json', 'tsconfig.json']) {
    symlinkSync(path.join(projectRoot, entry), path.join(root, entry));
  }
  mkdirSync(path.join(root, 'functions'));
  for (const entry of readdirSync(path.join(projectRoot, 'functions'))) {
    symlinkSync(path.join(projectRoot, 'functions', entry), path.join(root, 'functions', entry));
  }
  mkdirSync(path.join(root, 'functions/probe'));
  writeFileSync(path.join(root, 'functions/probe/handler.ts'), PROBE_HANDLER);
  mkdirSync(path.join(root, 'functions/hourly-probe'));
  writeFileSync(path.join(root, 'functions/hourly-probe/handler.ts'), RECURRING_PROBE_HANDLER);
  mkdirSync(path.join(root, 'functions/export-probe'));
  writeFileSync(path.join(root, 'functions/export-probe/handler.ts'), EXPORT_PROBE_HANDLER);
  return root;
}

/** The probe's handler.ts: a contract event handler like the others, with a use case that only logs. */
const PROBE_HANDLER = `import { createEventHandler } from '../../shared/runtime/handlers';
import { sesMailer } from '../../shared/runtime/wiring';

export const wiring = { mailer: sesMailer };

export const handler = createEventHandler(
  'BookingCancelled',
  async (deps, detail) => {
    deps.log('probe ran', { eventId: detail.eventId });
    return 'probed';
  },
  wiring,
);
`;

/** The recurring probe's handler.ts: the event it was given, for the test to read back. */
const RECURRING_PROBE_HANDLER = `export const wiring = {};

export const handler = async (event: unknown) => ({ ran: true, event });
`;

/** The export probe's handler.ts: it wires the S3 store, as the export function will, and exports nothing. */
const EXPORT_PROBE_HANDLER = `import { s3Exports } from '../../shared/runtime/wiring';

export const wiring = { exports: s3Exports };

export const handler = async () => ({ exported: false });
`;
