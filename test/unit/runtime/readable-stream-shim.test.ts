import { Readable } from 'node:stream';
import { ReadableStream as WebReadableStream } from 'node:stream/web';
import { describe, expect, it } from 'vitest';
import { ReadableStream } from '../../../shared/runtime/readable-stream-shim';

describe('the node:stream/web stand-in in function bundles', () => {
  it('recognises a web ReadableStream as the real class does, and nothing else', () => {
    expect(new WebReadableStream()).toBeInstanceOf(ReadableStream);
    expect(Readable.toWeb(Readable.from(['x']))).toBeInstanceOf(ReadableStream);
    for (const other of ['text', { body: 'x' }, Readable.from(['x']), null, undefined])
      expect(other instanceof ReadableStream).toBe(false);
  });
});
