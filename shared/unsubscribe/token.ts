import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed unsubscribe tokens: `base64url(payload).base64url(HMAC-SHA256(key, payload part))`,
 * where the payload is `{"v":1,"c":clinicId,"p":patientId}`. URL-safe as they are (letters,
 * digits, `-`, `_` and one `.`), so they go into a link's path unencoded. They do not expire:
 * the link in an old email must keep working. A token that is not exactly one we signed
 * with this key verifies as `undefined`; verifying never throws.
 */

export interface UnsubscribeSubject {
  clinicId: string;
  patientId: string;
}

const VERSION = 1;
/** base64url of a 32-byte HMAC-SHA256, without padding. */
const SIGNATURE_LENGTH = 43;
/** Far above any token for contract-sized ids (clinic ≤ 64, patient ≤ 128 chars): bounds the work on hostile input. */
const MAX_TOKEN_LENGTH = 1024;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

const sign = (payloadPart: string, key: string) => createHmac('sha256', key).update(payloadPart).digest('base64url');

export function signUnsubscribeToken(subject: UnsubscribeSubject, key: string): string {
  if (!key) throw new TypeError('the unsubscribe signing key is empty');
  if (!subject.clinicId || !subject.patientId) throw new TypeError('an unsubscribe token needs a clinic and a patient');
  const payload = JSON.stringify({ v: VERSION, c: subject.clinicId, p: subject.patientId });
  const payloadPart = Buffer.from(payload, 'utf8').toString('base64url');
  return `${payloadPart}.${sign(payloadPart, key)}`;
}

export function verifyUnsubscribeToken(token: string, key: string): UnsubscribeSubject | undefined {
  if (typeof token !== 'string' || typeof key !== 'string' || !key) return undefined;
  if (token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return undefined;
  const [payloadPart = '', signaturePart = ''] = token.split('.');
  if (signaturePart.length !== SIGNATURE_LENGTH) return undefined;
  // Compared as text, so only the one canonical encoding of the signature is accepted.
  const expected = Buffer.from(sign(payloadPart, key), 'utf8');
  const given = Buffer.from(signaturePart, 'utf8');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return parsePayload(payloadPart);
}

function parsePayload(payloadPart: string): UnsubscribeSubject | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { v, c, p } = payload as { v?: unknown; c?: unknown; p?: unknown };
  if (v !== VERSION || typeof c !== 'string' || typeof p !== 'string' || !c || !p) return undefined;
  return { clinicId: c, patientId: p };
}
