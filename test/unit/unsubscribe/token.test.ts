import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signUnsubscribeToken, verifyUnsubscribeToken } from '../../../shared/unsubscribe/token';

const KEY = 'test-key-0123456789abcdef0123456789abcdef';
const subject = { clinicId: 'riverside', patientId: 'pt-0042' };

const [payloadPart, signaturePart] = signUnsubscribeToken(subject, KEY).split('.') as [string, string];
const resign = (payload: unknown, key = KEY) => {
  const part = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${part}.${createHmac('sha256', key).update(part).digest('base64url')}`;
};

describe('unsubscribe token', () => {
  it('verifies to the clinic and patient it was signed for', () => {
    const token = signUnsubscribeToken(subject, KEY);
    expect(verifyUnsubscribeToken(token, KEY)).toEqual(subject);
  });

  it('is URL-safe, versioned and short for typical ids', () => {
    const token = signUnsubscribeToken({ clinicId: 'riverside-physio', patientId: 'pt-8c1d2e3f-4a5b' }, KEY);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(200);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ v: 1 });
  });

  it('is the same for the same subject and key (a link in an old email keeps working)', () => {
    expect(signUnsubscribeToken(subject, KEY)).toBe(signUnsubscribeToken({ ...subject }, KEY));
  });

  it('round-trips the longest contract ids', () => {
    const long = { clinicId: 'c'.repeat(64), patientId: 'P.:_-'.repeat(25) + 'abc' };
    expect(verifyUnsubscribeToken(signUnsubscribeToken(long, KEY), KEY)).toEqual(long);
  });

  it('rejects a token signed with another key', () => {
    expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, 'another-key'), KEY)).toBeUndefined();
  });

  it('rejects a payload swapped for another patient', () => {
    const other = Buffer.from(JSON.stringify({ v: 1, c: 'riverside', p: 'pt-0043' })).toString('base64url');
    expect(verifyUnsubscribeToken(`${other}.${signaturePart}`, KEY)).toBeUndefined();
  });

  it('rejects a changed signature, one character at a time', () => {
    for (let i = 0; i < signaturePart.length; i++) {
      const changed = signaturePart.slice(0, i) + (signaturePart[i] === 'A' ? 'B' : 'A') + signaturePart.slice(i + 1);
      expect(verifyUnsubscribeToken(`${payloadPart}.${changed}`, KEY)).toBeUndefined();
    }
  });

  it('rejects a changed payload, one character at a time', () => {
    for (let i = 0; i < payloadPart.length; i++) {
      const changed = payloadPart.slice(0, i) + (payloadPart[i] === 'A' ? 'B' : 'A') + payloadPart.slice(i + 1);
      expect(verifyUnsubscribeToken(`${changed}.${signaturePart}`, KEY)).toBeUndefined();
    }
  });

  it('rejects a truncated or padded signature', () => {
    expect(verifyUnsubscribeToken(`${payloadPart}.${signaturePart.slice(0, -1)}`, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${payloadPart}.${signaturePart}=`, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(`${payloadPart}.${signaturePart}A`, KEY)).toBeUndefined();
  });

  it('rejects correctly signed payloads of another version or shape', () => {
    expect(verifyUnsubscribeToken(resign({ v: 2, c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ c: 'riverside', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 1, c: 'riverside' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 1, c: '', p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign({ v: 1, c: 7, p: 'pt-0042' }), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign(null), KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(resign('riverside'), KEY)).toBeUndefined();
  });

  it('rejects a correctly signed part that is not JSON', () => {
    const part = Buffer.from('not json').toString('base64url');
    const token = `${part}.${createHmac('sha256', KEY).update(part).digest('base64url')}`;
    expect(verifyUnsubscribeToken(token, KEY)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['no dot', payloadPart + signaturePart],
    ['two dots', `${payloadPart}.${signaturePart}.x`],
    ['empty payload', `.${signaturePart}`],
    ['empty signature', `${payloadPart}.`],
    ['bad base64', `${payloadPart}!.${signaturePart}`],
    ['standard base64', `${payloadPart}+/.${signaturePart}`],
    ['percent-encoded', `${payloadPart}%2E${signaturePart}`],
    ['whitespace', ` ${payloadPart}.${signaturePart}`],
    ['huge', `${'A'.repeat(1_000_000)}.${signaturePart}`],
    ['control characters', `${payloadPart}\u0000.${signaturePart}`],
  ])('returns undefined for a malformed token (%s), without throwing', (_name, token) => {
    expect(verifyUnsubscribeToken(token, KEY)).toBeUndefined();
  });

  it('returns undefined for values that are not strings and for an empty key', () => {
    expect(verifyUnsubscribeToken(undefined as unknown as string, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken({} as unknown as string, KEY)).toBeUndefined();
    expect(verifyUnsubscribeToken(signUnsubscribeToken(subject, KEY), '')).toBeUndefined();
  });

  it('refuses to sign with an empty key or without ids', () => {
    expect(() => signUnsubscribeToken(subject, '')).toThrow(TypeError);
    expect(() => signUnsubscribeToken({ clinicId: 'riverside', patientId: '' }, KEY)).toThrow(TypeError);
  });
});
