import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed unsubscribe tokens: `keyId.base64url(payload).base64url(HMAC-SHA256(key, "keyId.payload part"))`,
 * where the payload is `{"v":2,"c":clinicId,"p":patientId}` and `keyId` names the key that
 * signed it, so that a key can be rotated: a verifier holding the current and the previous key
 * knows which one to use, and can tell a token of a key it has not loaded yet from a forgery.
 *
 * Tokens issued before keys had ids are `base64url(payload).base64url(HMAC-SHA256(key, payload part))`
 * with `"v":1`; they are still accepted, checked against each key given.
 *
 * URL-safe as they are (letters, digits, `-`, `_` and dots), so they go into a link's path
 * unencoded. They do not expire: the link in an old email must keep working as long as its
 * key is current or previous. A token that is not exactly one we signed with one of the keys
 * given verifies as `undefined`; verifying never throws.
 */

export interface UnsubscribeSubject {
  clinicId: string;
  patientId: string;
}

/**
 * A link to one of the patient's answer pages (contract 1.1): about one booking, and good until
 * `expiresAt` (attendance: the booking's start; check-in: 14 days after the session). Its own
 * version, so a verifier that knows only unsubscribe tokens refuses it rather than reading it as one.
 */
export interface AnswerSubject {
  purpose: 'attendance' | 'check-in';
  clinicId: string;
  patientId: string;
  bookingId: string;
  expiresAt: Date;
}

/** What a patient link was signed for. */
export type LinkSubject = ({ purpose: 'unsubscribe' } & UnsubscribeSubject) | AnswerSubject;

const VERSION = 2;
const ANSWER_VERSION = 3;
const PURPOSE_CODES = { attendance: 'a', 'check-in': 'c' } as const;
const LEGACY_VERSION = 1;
/** base64url of a 32-byte HMAC-SHA256, without padding. */
const SIGNATURE_LENGTH = 43;
/**
 * base64url of the first 6 bytes of the key's hash: tells the two keys in use apart (48 bits, so
 * a clash is practically impossible, and harmless: every key with the id is tried) while adding
 * little to the link.
 */
const KEY_ID_BYTES = 6;
const KEY_ID_LENGTH = 8;
/** Far above any token for contract-sized ids (clinic ≤ 64, patient ≤ 128 chars): bounds the work on hostile input. */
const MAX_TOKEN_LENGTH = 1024;
const TOKEN_SHAPE = /^(?:[A-Za-z0-9_-]+\.){1,2}[A-Za-z0-9_-]+$/;
/** Keeps the id's hash apart from any other use of SHA-256 over the key. */
const KEY_ID_CONTEXT = 'careloop unsubscribe signing key id\n';

const sign = (signedPart: string, key: string) => createHmac('sha256', key).update(signedPart).digest('base64url');

/**
 * The id of a signing key, derived from its value rather than from the Secrets Manager version
 * that holds it: a key copied into another secret (a stack deployed again, see DEPLOY.md) keeps
 * its id, so the links it signed keep working there too. Reveals nothing usable about the key.
 */
export function unsubscribeKeyId(key: string): string {
  if (!key) throw new TypeError('the unsubscribe signing key is empty');
  return createHash('sha256')
    .update(KEY_ID_CONTEXT)
    .update(key)
    .digest()
    .subarray(0, KEY_ID_BYTES)
    .toString('base64url');
}

export function signUnsubscribeToken(subject: UnsubscribeSubject, key: string): string {
  if (!key) throw new TypeError('the unsubscribe signing key is empty');
  if (!subject.clinicId || !subject.patientId) throw new TypeError('an unsubscribe token needs a clinic and a patient');
  return signPayload({ v: VERSION, c: subject.clinicId, p: subject.patientId }, key);
}

export function signAnswerToken(subject: AnswerSubject, key: string): string {
  if (!key) throw new TypeError('the unsubscribe signing key is empty');
  if (!subject.clinicId || !subject.patientId || !subject.bookingId)
    throw new TypeError('an answer token needs a clinic, a patient and a booking');
  const expires = Math.floor(subject.expiresAt.getTime() / 1000);
  if (!Number.isSafeInteger(expires)) throw new TypeError('an answer token needs the instant it expires');
  return signPayload(
    {
      v: ANSWER_VERSION,
      k: PURPOSE_CODES[subject.purpose],
      c: subject.clinicId,
      p: subject.patientId,
      b: subject.bookingId,
      e: expires,
    },
    key,
  );
}

function signPayload(payload: Record<string, unknown>, key: string): string {
  const signedPart = `${unsubscribeKeyId(key)}.${Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url')}`;
  return `${signedPart}.${sign(signedPart, key)}`;
}

interface TokenParts {
  /** Undefined for a token issued before tokens named their key. */
  keyId: string | undefined;
  signedPart: string;
  payloadPart: string;
  signaturePart: string;
}

function partsOf(token: unknown): TokenParts | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !TOKEN_SHAPE.test(token)) return undefined;
  const parts = token.split('.');
  const signaturePart = parts.pop() ?? '';
  if (signaturePart.length !== SIGNATURE_LENGTH) return undefined;
  const [first = '', second] = parts;
  if (second === undefined) return { keyId: undefined, signedPart: first, payloadPart: first, signaturePart };
  if (first.length !== KEY_ID_LENGTH) return undefined;
  return { keyId: first, signedPart: `${first}.${second}`, payloadPart: second, signaturePart };
}

/** The id of the key a token says signed it; undefined for an older token without one, or anything malformed. */
export function unsubscribeTokenKeyId(token: string): string | undefined {
  return partsOf(token)?.keyId;
}

/**
 * The subject of a token signed with one of `keys` (the current key first, then the previous
 * one), or undefined. A token naming its key is checked against that key only.
 */
export function verifyUnsubscribeToken(
  token: string,
  keys: string | readonly string[],
): UnsubscribeSubject | undefined {
  const subject = verifyPatientToken(token, keys);
  return subject?.purpose === 'unsubscribe' ? { clinicId: subject.clinicId, patientId: subject.patientId } : undefined;
}

/**
 * What a patient link was signed for, with one of `keys` (the current key first), or undefined:
 * an unsubscribe link (the tokens of every version so far) or an answer page's. Whether an answer
 * link has expired is the caller's to say: the page says so, and an altered one is refused here.
 */
export function verifyPatientToken(token: string, keys: string | readonly string[]): LinkSubject | undefined {
  const parts = partsOf(token);
  if (!parts) return undefined;
  const candidates = typeof keys === 'string' ? [keys] : Array.isArray(keys) ? (keys as readonly unknown[]) : [];
  const given = Buffer.from(parts.signaturePart, 'utf8');
  for (const key of candidates) {
    if (typeof key !== 'string' || !key) continue;
    if (parts.keyId !== undefined && unsubscribeKeyId(key) !== parts.keyId) continue;
    // Compared as text, so only the one canonical encoding of the signature is accepted.
    const expected = Buffer.from(sign(parts.signedPart, key), 'utf8');
    if (given.length === expected.length && timingSafeEqual(given, expected)) {
      return parsePayload(parts.payloadPart, parts.keyId === undefined ? [LEGACY_VERSION] : [VERSION, ANSWER_VERSION]);
    }
  }
  return undefined;
}

function parsePayload(payloadPart: string, versions: readonly number[]): LinkSubject | undefined {
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { v, k, c, p, b, e } = payload as Record<string, unknown>;
  if (typeof v !== 'number' || !versions.includes(v)) return undefined;
  if (typeof c !== 'string' || typeof p !== 'string' || !c || !p) return undefined;
  if (v !== ANSWER_VERSION) return { purpose: 'unsubscribe', clinicId: c, patientId: p };
  const purpose = (Object.keys(PURPOSE_CODES) as AnswerSubject['purpose'][]).find((name) => PURPOSE_CODES[name] === k);
  if (!purpose || typeof b !== 'string' || !b || typeof e !== 'number' || !Number.isSafeInteger(e)) return undefined;
  return { purpose, clinicId: c, patientId: p, bookingId: b, expiresAt: new Date(e * 1000) };
}
