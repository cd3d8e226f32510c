/**
 * Stands in for `node:stream/web` in the function bundles (infra/bundling.ts aliases it here).
 *
 * Middy imports `ReadableStream` from that module only to recognise a streamed response, which
 * CareLoop's handlers never return; loading the module (and Node's web-streams internals behind
 * it) showed in every cold start's profile (docs/decisions/0012-no-needless-built-in-modules.md). This class answers
 * `instanceof` as the real one would, by asking the global `ReadableStream` (the same class),
 * which Node loads only when first used.
 */
export class ReadableStream {
  static [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof globalThis.ReadableStream;
  }
}
