/**
 * How every function is bundled: the one description both the CDK stack (NodejsFunction,
 * which runs esbuild) and `npm run bench` (which runs esbuild itself, to measure what is
 * deployed) read, so the figures in docs/PERFORMANCE.md are about the bundles AWS runs.
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
 * Middy's streamed-response support imports node:stream/web, 2-3 ms of every cold start for
 * a feature no handler uses (shared/runtime/readable-stream-shim.ts).
 */
export const FUNCTION_ALIASES: Readonly<Record<string, string>> = {
  'node:stream/web': './shared/runtime/readable-stream-shim.ts',
};

export const FUNCTION_BUNDLING = {
  format: 'esm',
  // The SDK's ESM builds let esbuild drop the commands a function never sends.
  mainFields: ['module', 'main'],
  banner: ESM_REQUIRE_BANNER,
  minify: true,
  // No source map in the package, and no --enable-source-maps: Node reads the map at start-up,
  // which cost a cold start 15-30 ms (npm run bench). To read a stack trace from production,
  // `npm run bench -- --quick --only=<function>` writes the identical bundle and its map to .bench/.
  sourceMap: false,
  esbuildArgs: Object.fromEntries(Object.entries(FUNCTION_ALIASES).map(([from, to]) => [`--alias:${from}`, to])),
} as const;

/** Build-time constants: a clinic's self-care library travels inside the bundle (too large for environment variables). */
export const bundleDefines = (selfCareOverrides: string | undefined): Record<string, string> => ({
  'process.env.CARELOOP_SELF_CARE_OVERRIDES': JSON.stringify(selfCareOverrides ?? ''),
});

/** What every deployed function's environment holds besides its configuration (shared/config.ts). */
export const FUNCTION_RUNTIME_ENVIRONMENT: Record<string, string> = {
  POWERTOOLS_SERVICE_NAME: 'careloop',
  LOG_LEVEL: 'INFO',
};
