import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { build, buildSync, type BuildOptions, type BuildResult } from 'esbuild';

/**
 * How every function is bundled: the one build both the CDK stack (its local bundling step) and
 * `npm run bench` run, so the figures in docs/PERFORMANCE.md are about the bundles AWS runs.
 */

/**
 * ESM output still bundles CommonJS dependencies that call `require`; esbuild's shim needs a
 * real one in scope. Aliased import so it cannot clash with names in the bundle.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __careloopCreateRequire } from 'node:module'; const require = __careloopCreateRequire(import.meta.url);";

/** The Lambda runtime the functions run on; esbuild targets the same Node release. */
export const NODE_TARGET = 'node24';

/**
 * Modules swapped at bundling time, paths relative to the project root (where esbuild runs).
 * Middy's streamed-response support imports node:stream/web, which every cold start would load
 * for a feature no handler uses (shared/runtime/readable-stream-shim.ts;
 * docs/decisions/0012-no-needless-built-in-modules.md).
 */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  'node:stream/web': './shared/runtime/readable-stream-shim.ts',
};

/**
 * How a function is bundled, as one esbuild build: ESM, minified, the pinned SDK inside, and
 * split. Code a handler reaches only through `await import()` (the SQS client that reports a
 * refused event, the follow-up emails a preference change may release) goes into chunks of its
 * own, which Node compiles only when that path runs. Node compiles every byte of the modules a
 * cold start imports, code it never runs included (docs/PERFORMANCE.md, what costs what;
 * docs/decisions/0015-bundles-split-into-chunks.md); CDK's NodejsFunction writes a single file
 * and cannot split, so the stack bundles with this function instead.
 */
export function functionBuildOptions(
  entry: string,
  outdir: string,
  projectRoot: string,
  options: { selfCareOverrides?: string } = {},
): BuildOptions {
  return {
    entryPoints: { index: entry },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    absWorkingDir: projectRoot,
    // The bench writes its references outside the project: they still resolve the project's packages.
    nodePaths: [path.join(projectRoot, 'node_modules')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: NODE_TARGET,
    // The SDK's ESM builds let esbuild drop the commands a function never sends.
    mainFields: ['module', 'main'],
    banner: { js: ESM_REQUIRE_BANNER },
    minify: true,
    // Maps are written beside the modules, with no comment pointing to them: the code is the same
    // with or without them (chunk names are content hashes, and esbuild's depend on this setting).
    // The package leaves them out, and Node runs without --enable-source-maps: reading a map at
    // start-up costs every cold start (docs/decisions/0003-no-source-maps-at-run-time.md).
    // `npm run bench` keeps them, to read a production stack trace or a CPU profile.
    sourcemap: 'external',
    sourcesContent: false,
    define: bundleDefines(options.selfCareOverrides),
    alias: Object.fromEntries(Object.entries(FUNCTION_ALIASES).map(([from, to]) => [from, path.join(projectRoot, to)])),
    logLevel: 'error',
    metafile: true,
  };
}

export interface FunctionBundle {
  /** The module Lambda imports (`index.handler`). */
  readonly entryFile: string;
  /** The entry and the chunks it imports statically: what every cold start compiles. */
  readonly startupFiles: readonly string[];
  readonly startupBytes: number;
  /** Chunks loaded only when a path that needs them runs. */
  readonly lazyFiles: readonly string[];
  readonly lazyBytes: number;
  /** Every source file the build read (absolute paths): what a cache of bundles checks for changes. */
  readonly inputs: readonly string[];
}

/**
 * Where esbuild is told it writes: nothing is written there. The build runs in memory and the
 * files go to the caller's folder, so that the maps, whose source paths are relative to this
 * folder, and with them the chunks' content-hashed names, are the same wherever a build lands:
 * in CDK's asset staging or in the bench's work folder.
 */
const BUILD_FOLDER = '.careloop-bundle';

/**
 * Bundles one function into `outdir` (index.mjs and chunks/); synchronous, as CDK's local
 * bundling is. The maps are left out unless `keepSourceMaps`: the package carries none.
 */
export function bundleFunction(
  entry: string,
  outdir: string,
  projectRoot: string,
  options: { selfCareOverrides?: string; keepSourceMaps?: boolean } = {},
): FunctionBundle {
  const buildFolder = path.join(projectRoot, BUILD_FOLDER);
  const result = buildSync({ ...functionBuildOptions(entry, buildFolder, projectRoot, options), write: false });
  return placeBuild(result, entry, outdir, projectRoot, options);
}

/**
 * The same build as bundleFunction, without blocking: the local stack builds every function's
 * bundle at start, and esbuild runs builds it is given together side by side.
 */
export async function bundleFunctionAsync(
  entry: string,
  outdir: string,
  projectRoot: string,
  options: { selfCareOverrides?: string; keepSourceMaps?: boolean } = {},
): Promise<FunctionBundle> {
  const buildFolder = path.join(projectRoot, BUILD_FOLDER);
  const result = await build({ ...functionBuildOptions(entry, buildFolder, projectRoot, options), write: false });
  return placeBuild(result, entry, outdir, projectRoot, options);
}

function placeBuild(
  { metafile, outputFiles }: BuildResult<{ write: false; metafile: true }>,
  entry: string,
  outdir: string,
  projectRoot: string,
  options: { keepSourceMaps?: boolean },
): FunctionBundle {
  if (!metafile) throw new Error('esbuild returned no metafile');
  const buildFolder = path.join(projectRoot, BUILD_FOLDER);
  const placed = (built: string) => path.join(outdir, path.relative(buildFolder, path.resolve(projectRoot, built)));
  for (const file of outputFiles) {
    if (file.path.endsWith('.map') && !options.keepSourceMaps) continue;
    const target = placed(file.path);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.contents);
  }
  const entryFile = path.join(outdir, 'index.mjs');
  const modules = Object.entries(metafile.outputs).filter(([file]) => file.endsWith('.mjs'));
  // Chunks of dynamic imports name an entry point too: the entry is the one file named index.mjs.
  const entryKey = modules.find(([file]) => placed(file) === entryFile)?.[0];
  if (entryKey === undefined) throw new Error(`esbuild wrote no entry module for ${entry}`);
  // Everything the entry reaches through static imports, chunk to chunk.
  const startup = new Set([entryKey]);
  const pending = [entryKey];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    for (const imported of metafile.outputs[file]?.imports ?? []) {
      if (imported.kind !== 'import-statement' || imported.external || startup.has(imported.path)) continue;
      startup.add(imported.path);
      pending.push(imported.path);
    }
  }
  const [startupModules, lazyModules] = [
    modules.filter(([file]) => startup.has(file)),
    modules.filter(([file]) => !startup.has(file)),
  ];
  const absolute = (list: typeof modules) => list.map(([file]) => placed(file));
  const bytes = (list: typeof modules) => list.reduce((sum, [, output]) => sum + output.bytes, 0);
  return {
    entryFile,
    startupFiles: absolute(startupModules),
    startupBytes: bytes(startupModules),
    lazyFiles: absolute(lazyModules),
    lazyBytes: bytes(lazyModules),
    inputs: Object.keys(metafile.inputs).map((input) => path.resolve(projectRoot, input)),
  };
}

/** Build-time constants: a clinic's self-care library travels inside the bundle (too large for environment variables). */
export const bundleDefines = (selfCareOverrides: string | undefined): Record<string, string> => ({
  'process.env.CARELOOP_SELF_CARE_OVERRIDES': JSON.stringify(selfCareOverrides ?? ''),
});

/** What every deployed function's environment holds besides its configuration (shared/config.ts). */
export const FUNCTION_RUNTIME_ENVIRONMENT: Record<string, string> = {
  POWERTOOLS_SERVICE_NAME: 'careloop',
  LOG_LEVEL: 'INFO',
};
