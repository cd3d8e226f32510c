import { createHash, randomUUID } from 'node:crypto';
import {
  existsSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { version as esbuildVersion } from 'esbuild';
import type { FunctionDescriptor } from '../../functions/descriptor';
import { bundleFunctionAsync, functionBuildOptions } from '../bundling';
import { handlerEntry } from '../function-plan';

/**
 * The bundles the local stack runs: each function built as `cdk synth` packages it
 * (infra/bundling.ts, no source maps), kept under `.careloop/bundles/` and built again only
 * when a file it was built from, or how it is built, has changed since.
 *
 * A bundle's folder is named by the hash of everything it was built from and is never written
 * again once there: a stack still running an older build keeps loading its lazy chunks from its
 * own folder while another start builds a newer one beside it.
 */

export interface LocalBundle {
  /** The function's folder: index.mjs and chunks/, as in its deployment package. */
  readonly directory: string;
  readonly entryFile: string;
  /** Taken from an earlier start rather than built by this one. */
  readonly cached: boolean;
}

/** Under the project root; .gitignore and the linters leave it out. */
export const LOCAL_BUNDLE_FOLDER = path.join('.careloop', 'bundles');

/** Older builds of a function kept beside the newest, for stacks that may still be running them. */
const KEPT_BUILDS = 3;

interface Manifest {
  /** Hash of how the function is built (options, esbuild, the lock file): its inputs say nothing of these. */
  buildKey: string;
  /** The files the last build read, relative to the project root. */
  inputs: string[];
}

/** Every function's bundle, from the cache where its inputs are unchanged, the others built side by side. */
export async function localBundles(
  functions: readonly FunctionDescriptor[],
  projectRoot: string,
  options: { selfCareOverrides?: string } = {},
): Promise<Map<string, LocalBundle>> {
  const hashes = new Map<string, Promise<string>>();
  // Functions share most of their inputs (the SDK, shared/): each file is read and hashed once.
  const hashOf = (file: string) => {
    let hash = hashes.get(file);
    if (!hash) {
      hash = readFile(file).then(
        (content) => createHash('sha256').update(content).digest('hex'),
        () => 'missing',
      );
      hashes.set(file, hash);
    }
    return hash;
  };
  const settings = buildSettingsKey(projectRoot);
  const built = await Promise.all(
    functions.map(
      async (descriptor) =>
        [
          descriptor.name,
          await localBundle(descriptor, projectRoot, options.selfCareOverrides, settings, hashOf),
        ] as const,
    ),
  );
  return new Map(built);
}

async function localBundle(
  descriptor: FunctionDescriptor,
  projectRoot: string,
  selfCareOverrides: string | undefined,
  settings: string,
  hashOf: (file: string) => Promise<string>,
): Promise<LocalBundle> {
  const entry = path.join(projectRoot, handlerEntry(descriptor));
  const folder = path.join(projectRoot, LOCAL_BUNDLE_FOLDER, descriptor.name);
  const buildKey = sha256(
    JSON.stringify([settings, functionBuildOptions(entry, '.', projectRoot, { selfCareOverrides })]),
  );
  const contentKey = async (inputs: readonly string[]) =>
    sha256(
      JSON.stringify([
        buildKey,
        await Promise.all(inputs.map(async (input) => [input, await hashOf(path.resolve(projectRoot, input))])),
      ]),
    );
  const manifestFile = path.join(folder, 'manifest.json');
  const manifest = readManifest(manifestFile);
  if (manifest?.buildKey === buildKey) {
    const directory = path.join(folder, await contentKey(manifest.inputs));
    if (existsSync(path.join(directory, 'index.mjs'))) {
      // Marks it the newest build in use, so pruning keeps it.
      const now = new Date();
      utimesSync(directory, now, now);
      return { directory, entryFile: path.join(directory, 'index.mjs'), cached: true };
    }
  }
  const staging = path.join(folder, `.building-${randomUUID()}`);
  const bundle = await bundleFunctionAsync(entry, staging, projectRoot, { selfCareOverrides });
  const inputs = bundle.inputs.map((input) => path.relative(projectRoot, input)).sort();
  const directory = path.join(folder, await contentKey(inputs));
  try {
    renameSync(staging, directory);
  } catch (error) {
    // Another start built the same inputs first: its folder holds the same bytes.
    if (!existsSync(path.join(directory, 'index.mjs'))) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
  writeAtomically(manifestFile, JSON.stringify({ buildKey, inputs } satisfies Manifest));
  prune(folder, directory);
  return { directory, entryFile: path.join(directory, 'index.mjs'), cached: false };
}

/** What every build depends on besides its own inputs and options. */
function buildSettingsKey(projectRoot: string): string {
  const contentOf = (file: string) => {
    try {
      return sha256(readFileSync(path.join(projectRoot, file)));
    } catch {
      return 'missing';
    }
  };
  // package.json declares the modules with side effects (what esbuild may drop); the lock file,
  // the packages resolved; bundling.ts, how the output is laid out.
  return JSON.stringify([
    esbuildVersion,
    contentOf('package.json'),
    contentOf('package-lock.json'),
    contentOf('infra/bundling.ts'),
  ]);
}

function readManifest(file: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, text: string) {
  const temporary = `${file}.${randomUUID()}`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * Keeps the newest builds of one function, and builds still being written; a stack that may
 * still run an older one keeps it while it is among the newest.
 */
function prune(folder: string, current: string) {
  const builds: { directory: string; used: number; staging: boolean }[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const directory = path.join(folder, entry.name);
    if (!entry.isDirectory() || directory === current) continue;
    try {
      builds.push({ directory, used: statSync(directory).mtimeMs, staging: entry.name.startsWith('.building-') });
    } catch {
      // Another start pruned it first.
    }
  }
  const finished = builds.filter((build) => !build.staging).sort((a, b) => b.used - a.used);
  // A build left half-written by a start that was killed: no build takes an hour.
  const abandoned = builds.filter((build) => build.staging && build.used < Date.now() - 3600_000);
  for (const { directory } of [...finished.slice(KEPT_BUILDS - 1), ...abandoned])
    rmSync(directory, { recursive: true, force: true });
}

const sha256 = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');
