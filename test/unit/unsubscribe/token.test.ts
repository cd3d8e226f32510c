import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signUnsubscribeToken,
  unsubscribeKeyId,
  unsubscribeTokenKeyId,
  verifyUnsubscribeToken,
} from '../../../shared/unsubscribe/token';

const KEY = 'test-key-0123456789abcdef0123456789abcdef';
const subject = { clinicId: 'riverside', patientId: 'pt-0042' };

const [keyPart, payloadPart, signaturePart] = signUnsubscribeToken(subject, KEY).split('.') as [string, string, string];
const hmac = (key: string, data: string) => createHmac('sha256', key).update(data).digest('base64url');
const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload)).toString('base64url');
/** A token of the current format, signed by hand: `keyId.payload.signature`. */
const resign = (payload: unknown, key = KEY, keyId = unsubscribeKeyId(key)) => {
  const part = encode(payload);
  return `${keyId}.${part}.${hmac(key, `${keyId}.${part}`)}`;
};
/** A token as links were signed before they carried a key id: `payload.signature`, payload version 1. */
const legacy = (payload: unknown, key = KEY) => {
  const part = encode(payload);
  return `${part}.${hmac(key, part)}`;
};
const changeAt = (text: string, i: number) => text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1);

describe('unsubscribe token', () => {
  it('verifies to the clinic and patient it was signed for', () => {
    const token = signUnsubscribeToken(subject, KEY);
    expect(verifyUnsubscribeToken(token, KEY)).toEqual(subject);
    expect(verifyUnsubscribeToken(token, [KEY])).toEqual(subject);
  });

  it('is URL-safe, versioned and short for typical ids', () => {
    const token = signUnsubscribeToken({ clinicId: 'riverside-physio', patientId: 'pt-8c1d2e3f-4a5b' }, KEY);
    expect(token).toMatch(/^[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(200);
    expect(JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString())).toMatchObject({ v: 2 });
  });

  it('names the key that signed it', () => {
    const token = signUnsubscribeToken(subject, KEY);
    expect(unsubscribeKeyId(KEY)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(token.split('.')[0]).toBe(unsubscribeKeyId(KEY));
    expect(unsubscribeTokenKeyId(token)).toBe(unsubscribeKeyId(KEY));
    // The id follows the key's value, wherever it is stored, and differs between keys.
    expect(unsubscribeKeyId(`${KEY}`)).toBe(unsubscribeKeyId(KEY));
    expect(unsubscribeKeyId('another-key')).not.toBe(unsubscribeKeyId(KEY));
  });

  it('is the same for the same subject and key (a link in an old email keeps working)', () => {
    expect(signUnsubscribeToken(subject, KEY)).toBe(signUnsubscribeToken({ ...subject }, KEY));
  });

  it('round-trips the longest contract ids, within the length bound', () => {
    const long = { clinicId: 'c'.repeat(64), patientId: 'P.:_-'.repeat(25) + 'abc' };
    const token = signUnsubscribeToken(long, KEY);
    expect(token.length).toBeLessThan(1024);
    expect(verifyUnsubscribeToken(token, KEY)).toEqual(long);
  });

  describe('across rotations (keys: current first, then previous)', () => {
    const [oldest, previous, current] = ['key-of-two-rotations-ago', 'key-of-the-last-rotation', 'key-in-use-now'];

    it('verifies a token signed with the current or the previous key', () => {
      expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, current), [current, previous])).toEqual(subject);
      expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, previous), [current, previous])).toEqual(subject);
    });

    it('rejects a token signed two rotations ago', () => {
      expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, oldest), [current, previous])).toBeUndefined();
    });

    it('still verifies a token issued before tokens named their key, with either key', () => {
      const issuedBefore = legacy({ v: 1, c: 'riverside', p: 'pt-0042' }, previous);
      expect(unsubscribeTokenKeyId(issuedBefore)).toBeUndefined();
      expect(verifyUnsubscribeToken(issuedBefore, [previous])).toEqual(subject);
      expect(verifyUnsubscribeToken(issuedBefore, [current, previous])).toEqual(subject);
      expect(verifyUnsubscribeToken(issuedBefore, [current])).toBeUndefined();
    });

    it('rejects a token whose key id was swapped for the other key', () => {
      const [, payload, signature] = signUnsubscribeToken(subject, previous).split('.');
      expect(verifyUnsubscribeToken(`${unsubscribeKeyId(current)}.${payload}.${signature}`, [current, previous])).toBe(
        undefined,
      );
    });

    it('rejects a token of either format re-dressed as the other', () => {
      const [, payload, signature] = signUnsubscribeToken(subject, current).split('.');
      expect(verifyUnsubscribeToken(`${payload}.${signature}`, [current, previous])).toBeUndefined();
      const old = legacy({ v: 1, c: 'riverside', p: 'pt-0042' }, current);
      expect(verifyUnsubscribeToken(`${unsubscribeKeyId(current)}.${old}`, [current, previous])).toBeUndefined();
    });
  });

  it('rejects a token signed with another key', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, 'another-key'), KEY)).toBeUndefined();
    // Even when it claims to be signed with ours.
    expect(verifyUnsubscribeToken(resign(subject, 'another-key', keyPart), KEY)).toBeUndefined();
  });

  it('rejects a payload swapped for another patient', () => {
    const other = encode({ v: 2, c: 'riverside', p: 'pt-0043' });
    expect(verifyUnsubscribeToken(`${keyPart}.${other}.${signaturePart}`, KEY)).toBeUndefined();
  });

  it('rejects a changed signature, one character at a time', () => {
    for (let i = 0; i < signaturePart.length; i++) {
      expect(verifyUnsubscribeToken(`${keyPart}.${payloadPart}.${changeAt(signaturePart, i)}`, KEY)).toBeUndefined();
    }
  });

  it('rejects a changed payload, one character at a time', () => {
    for (let i = 0; i < payloadPart.length; i++) {
      expect(verifyUnsubscribeToken(`${keyPart}.${changeAt(payloadPart, i)}.${signaturePart}`, KEY)).toBeUndefined();
    }
  });

  it('rejects a changed key id, one character at a time', () => {
    for (let i = 0; i < keyPart.length; i++) {
      expect(verifyUnsubscribeToken(`${changeAt(keyPart, i)}.${payloadPart}.${signaturePart}`, KEY)).toBeUndefined();
    }
  });

  it('rejects a changed legacy token, one character at a time', () => {
    const old = legacy({ v: 1, c: 'riverside', p: 'pt-0042' });
    expect(verifyUnsubscribeToken(old, KEY)).toEqual(subject);
    for (let i = 0; i < old.length; i++) {
      if (old[i] !== '.') expect(verifyUnsubscribeToken(changeAt(old, i), KEY)).toBeUndefined();
    }
  });

  it('rejects a truncated or padded signature', () => {
    expect(verifyUnsubscribeToken(`${keyPart}.${payloadPart}.${signaturePart.slice(0, -1)}`, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${keyPart}.${payloadPart}.${signaturePart}=`, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${keyPart}.${payloadPart}.${signaturePart}A`, KEY)).toBeUndefined();
  });

  it('rejects correctly signed payloads of another version or shape', () => {
    expect(verifyUnsubscribeToken(resign({ v: 1, c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 3, c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 2, c: 'riverside' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 2, c: '', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 2, c: 7, p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign(null), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign('riverside'), KEY)).toBeUndefined();
    // A token without key id is only ever a version 1 payload.
    expect(verifyUnsubscribeToken(legacy({ v: 2, c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(legacy({ c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
  });

  it('rejects a correctly signed part that is not JSON', () => {
    const part = Buffer.from('not json').toString('base64url');
    expect(verifyUnsubscribeToken(`${keyPart}.${part}.${hmac(KEY, `${keyPart}.${part}`)}`, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${part}.${hmac(KEY, part)}`, KEY)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['no dot', payloadPart + signaturePart],
    ['four parts', `${keyPart}.${payloadPart}.${signaturePart}.x`],
    ['empty key id', `.${payloadPart}.${signaturePart}`],
    ['short key id', `${keyPart.slice(1)}.${payloadPart}.${signaturePart}`],
    ['long key id', `${keyPart}A.${payloadPart}.${signaturePart}`],
    ['empty payload', `${keyPart}..${signaturePart}`],
    ['empty signature', `${keyPart}.${payloadPart}.`],
    ['bad base64', `${keyPart}.${payloadPart}!.${signaturePart}`],
    ['standard base64', `${keyPart}.${payloadPart}+/.${signaturePart}`],
    ['percent-encoded', `${keyPart}%2E${payloadPart}.${signaturePart}`],
    ['whitespace', ` ${keyPart}.${payloadPart}.${signaturePart}`],
    ['huge', `${keyPart}.${'A'.repeat(1_000_000)}.${signaturePart}`],
    ['control characters', `${keyPart}.${payloadPart}\u0000.${signaturePart}`],
  ])('returns undefined for a malformed token (%s), without throwing', (_name, token) => {
    expect(verifyUnsubscribeToken(token, KEY)).toBeUndefined();
    expect(unsubscribeTokenKeyId(token)).toBeUndefined();
  });

  it('returns undefined for values that are not strings and for no key', () => {
    const token = signUnsubscribeToken(subject, KEY);
    expect(verifyUnsubscribeToken(undefined as unknown as string, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken({} as unknown as string, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(token, '')).toBeUndefined();
    expect(verifyUnsubscribeToken(token, [])).toBeUndefined();
    expect(verifyUnsubscribeToken(token, ['', undefined as unknown as string])).toBeUndefined();
    expect(verifyUnsubscribeToken(token, undefined as unknown as string)).toBeUndefined();
    expect(unsubscribeTokenKeyId(undefined as unknown as string)).toBeUndefined();
  });

  it('refuses to sign with an empty key or without ids', () => {
    expect(() => signUnsubscribeToken(subject, '')).toThrow(TypeError);
    expect(() => signUnsubscribeToken({ clinicId: 'riverside', patientId: '' }, KEY)).toThrow(TypeError);
    expect(() => unsubscribeKeyId('')).toThrow(TypeError);
  });
});
