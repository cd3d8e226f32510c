import { EMAIL_TAG_NAMES } from '../../events/ses-message-tags';
import { EMAIL_KINDS } from '../email/kinds';
import type { EmailKind } from '../email/types';

/**
 * The ids of an email, sent with it as SES message tags (SendEmail's `EmailTags`): SES copies an
 * email's tags into every event it later reports about it (the record's `mail.tags`), so a
 * delivery, a bounce or a complaint names the email it is about without CareLoop keeping a map
 * from SES's message ids to its emails.
 *
 * Tags show wherever SES shows its events (EventBridge, CloudWatch, the SES console): they carry
 * ids and the kind only, never a name, an address or anything a patient wrote.
 */
export interface EmailIds {
  clinicId: string;
  /** The patient the email went to; for a staff alert, the patient it is about. */
  patientId: string;
  /** The booking the email is about; an email about the patient's plan as a whole has none. */
  bookingId?: string;
  kind: EmailKind;
}

export interface EmailTag {
  name: string;
  value: string;
}

/** Each id's tag, by the names the SES record's schema reads too; typed so that no id goes without one. */
const TAG_OF: Readonly<Record<keyof EmailIds, string>> = EMAIL_TAG_NAMES;

/** What SES takes as a tag value (SES v2 `MessageTag`): ASCII letters, digits, `_` and `-`, at most 256 characters. */
export const TAG_VALUE = /^[A-Za-z0-9_-]{1,256}$/;

/** The contract's rules for ids (events/fields.ts), checked here without zod, which the functions do not load. */
export const IDENTIFIER = /^[A-Za-z0-9._:-]{1,128}$/;
const CLINIC_ID = /^[a-z0-9-]{1,64}$/;

/** A tag is read back only as a kind CareLoop sends. */
const isEmailKind = (value: string): value is EmailKind => (EMAIL_KINDS as readonly string[]).includes(value);

/**
 * An id as a tag value. The contract's ids may contain `.` and `:`, which SES refuses in a tag, so
 * each id goes as base64url without padding: its alphabet is exactly what SES allows, it reverses
 * exactly, and an id of at most 128 characters becomes at most 171. Escaping just `.` and `:`
 * would keep ids readable in the SES console, but would need `_` escaped too: a scheme of our
 * own to get right, where base64url is Node's.
 */
export const encodeTagValue = (id: string): string => Buffer.from(id, 'utf8').toString('base64url');

/** The id a tag value encodes; undefined for anything `encodeTagValue` does not write. */
export function decodeTagValue(value: string): string | undefined {
  if (!TAG_VALUE.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  // Node decodes leniently (stray bits, any length): only the one encoding of an id is read back.
  return encodeTagValue(decoded) === value ? decoded : undefined;
}

/** The tags SES is given with the email. The kind is a code of CareLoop's own, tag-safe as it is: sent plain. */
export function emailTagsOf(ids: EmailIds): EmailTag[] {
  return [
    { name: TAG_OF.clinicId, value: encodeTagValue(ids.clinicId) },
    { name: TAG_OF.patientId, value: encodeTagValue(ids.patientId) },
    ...(ids.bookingId !== undefined ? [{ name: TAG_OF.bookingId, value: encodeTagValue(ids.bookingId) }] : []),
    { name: TAG_OF.kind, value: ids.kind },
  ];
}

/** A record's tags as SES reports them: each name with its values. */
export type ReportedTags = Readonly<Partial<Record<string, readonly string[]>>>;

/**
 * The email's ids, read back from the tags SES reported with an event about it. Undefined when they
 * do not name a CareLoop email: no CareLoop tags (an email sent before they were added, or not
 * CareLoop's), or tags CareLoop did not write as they are (a value it would not encode, two
 * values for one tag), which are not trusted for any of the ids.
 */
export function emailIdsOfTags(tags: ReportedTags | undefined): EmailIds | undefined {
  const one = (name: string) => {
    const values = tags?.[name];
    return values?.length === 1 ? values[0] : undefined;
  };
  const id = (name: string, rule: RegExp) => {
    const value = one(name);
    const decoded = value === undefined ? undefined : decodeTagValue(value);
    return decoded !== undefined && rule.test(decoded) ? decoded : undefined;
  };
  const clinicId = id(TAG_OF.clinicId, CLINIC_ID);
  const patientId = id(TAG_OF.patientId, IDENTIFIER);
  const kind = one(TAG_OF.kind);
  if (clinicId === undefined || patientId === undefined || kind === undefined || !isEmailKind(kind)) return undefined;
  if (tags?.[TAG_OF.bookingId] === undefined) return { clinicId, patientId, kind };
  const bookingId = id(TAG_OF.bookingId, IDENTIFIER);
  return bookingId === undefined ? undefined : { clinicId, patientId, bookingId, kind };
}
