import type { StoredEmail } from '../ses-local';
import type { ActivityEvent, EndedDelivery } from './activity';

/**
 * What the local console shows, read from what the stack keeps (the events the bus accepted and
 * how each delivery ended, the dead letters, the schedules, the SES emulator's mail), grouped by
 * booking and by patient. Pure: every page is a function of these records and the clock, so the
 * pages can be tested without a stack.
 *
 * Everything in here came from a producer, a patient or a handler and is untrusted: the pages
 * escape every string they show (pages.ts).
 */

/** A dead letter as the stack keeps it (`GET /_local/dead-letters`). */
export interface ConsoleDeadLetter {
  source: unknown;
  detailType: unknown;
  detail: unknown;
  error: string;
  /** Real time, not the stack's clock. */
  at: string;
}

/** The parts of a Scheduler emulator schedule the console reads. */
export interface ConsoleSchedule {
  name: string;
  groupName: string;
  fireAt: Date;
  status: string;
  state: string;
  target: { arn: string; input?: string };
}

export interface ConsoleData {
  now: Date;
  events: readonly ActivityEvent[];
  deadLetters: readonly ConsoleDeadLetter[];
  schedules: readonly ConsoleSchedule[];
  emails: readonly StoredEmail[];
}

export interface Ids {
  clinicId?: string;
  bookingId?: string;
  patientId?: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const field = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), value);

/** The ids an event's detail names: the contract's places for them (a new booking's are nested). */
export function idsOf(detail: unknown): Ids {
  const clinicId = str(field(detail, 'clinicId'));
  const bookingId = str(field(detail, 'bookingId')) ?? str(field(detail, 'booking', 'bookingId'));
  const patientId = str(field(detail, 'patientId')) ?? str(field(detail, 'patient', 'patientId'));
  return {
    ...(clinicId !== undefined && { clinicId }),
    ...(bookingId !== undefined && { bookingId }),
    ...(patientId !== undefined && { patientId }),
  };
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A dead letter's ids: the event's, or those of the due job it carries (a schedule's input, a queue message's body). */
export function deadLetterIds(letter: ConsoleDeadLetter): Ids {
  const { detail } = letter;
  const nested = field(detail, 'input') ?? field(detail, 'body');
  return { ...idsOf(isObject(nested) ? nested : parseJson(str(nested))), ...idsOf(detail) };
}

// ---------------------------------------------------------------------------------------
// Outcomes

export type OutcomeKind =
  | 'applied'
  | 'stale'
  | 'ignored'
  | 'duplicate'
  | 'rejected'
  | 'failed'
  | 'under way'
  /** The function answered without a handler result's status: it ran, and says no more. */
  | 'done';

export interface Outcome {
  /** The function that handled (or is handling) the event. */
  target: string;
  kind: OutcomeKind;
  /** Why, in a few words: the field a rejection names, a failure's error, what was done. */
  note?: string;
}

/** The handler's answer (shared/runtime/handlers.ts `HandlerResult`), read without trusting its shape. */
function outcomeOf(delivery: EndedDelivery, rejection: string | undefined): Outcome {
  const { target } = delivery;
  if (delivery.error !== undefined) {
    return { target, kind: 'failed', note: `${delivery.error} (after ${delivery.attempts} attempts)` };
  }
  const result = delivery.result;
  const status = field(result, 'status');
  const outcome = field(result, 'outcome');
  if (status === 'rejected') return { target, kind: 'rejected', note: rejection ?? 'see the dead letters' };
  if (status === 'duplicate') {
    return { target, kind: 'duplicate', ...(typeof outcome === 'string' && { note: outcome }) };
  }
  if (status !== 'processed') return { target, kind: 'done' };
  const ignored = str(field(outcome, 'ignored'));
  if (ignored !== undefined) return { target, kind: 'ignored', note: ignored };
  if (field(outcome, 'applied') === false) {
    return { target, kind: 'stale', note: 'not newer than what is stored: nothing changed' };
  }
  const done = describeOutcome(outcome);
  return { target, kind: 'applied', ...(done !== '' && { note: done }) };
}

/** A processed outcome's facts as `name: value`, nested names joined by dots (what was sent, scheduled, removed). */
export function describeOutcome(outcome: unknown): string {
  if (typeof outcome === 'string') return outcome;
  const parts: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (isObject(value)) for (const [key, item] of Object.entries(value)) walk(item, path ? `${path}.${key}` : key);
    else if (path !== 'applied' && value !== undefined && !(Array.isArray(value) && value.length === 0))
      parts.push(`${path}: ${scalar(value)}`);
  };
  walk(outcome, '');
  return parts.join(' · ');
}

const scalar = (value: unknown): string =>
  typeof value === 'string' ? value : Array.isArray(value) ? value.map(scalar).join(', ') : JSON.stringify(value);

/** The error the rejected-events record gives: the same event's, named by its id (or its whole detail). */
function rejectionOf(event: ActivityEvent, deadLetters: readonly ConsoleDeadLetter[]): string | undefined {
  const eventId = str(event.detail.eventId);
  const same = (letter: ConsoleDeadLetter) =>
    letter.detailType === event.detailType &&
    (eventId !== undefined
      ? field(letter.detail, 'eventId') === eventId
      : JSON.stringify(letter.detail) === JSON.stringify(event.detail));
  return [...deadLetters].reverse().find(same)?.error;
}

export function outcomesOf(event: ActivityEvent, deadLetters: readonly ConsoleDeadLetter[]): Outcome[] {
  const rejection = event.deliveries.some((delivery) => field(delivery.result, 'status') === 'rejected')
    ? rejectionOf(event, deadLetters)
    : undefined;
  const ended = event.deliveries.map((delivery) => outcomeOf(delivery, rejection));
  const waiting = event.targets
    .filter((target) => !event.deliveries.some((delivery) => delivery.target === target))
    .map((target): Outcome => ({ target, kind: 'under way' }));
  return [...ended, ...waiting];
}

/**
 * Whether the event changed what the console tells of its booking: applied (a duplicate was, by an
 * earlier delivery), done, or still under way; not refused, stale, ignored or failed.
 */
const TOOK: ReadonlySet<OutcomeKind> = new Set(['applied', 'duplicate', 'under way', 'done']);
const took = (outcomes: readonly Outcome[]) => outcomes.every((outcome) => TOOK.has(outcome.kind));

// ---------------------------------------------------------------------------------------
// The timeline

export type TimelineEntry =
  | { type: 'received'; event: ActivityEvent; outcomes: Outcome[] }
  | { type: 'email'; event: ActivityEvent; messageId?: string; kind?: string; email?: StoredEmail }
  | { type: 'answer'; event: ActivityEvent }
  | { type: 'published'; event: ActivityEvent };

/** CareLoop's own events (contract 1.1, "What CareLoop publishes"); everything else the bus took was received. */
export const isPublished = (event: ActivityEvent) => event.source.startsWith('careloop.');

function entryOf(event: ActivityEvent, data: ConsoleData): TimelineEntry {
  if (!isPublished(event)) return { type: 'received', event, outcomes: outcomesOf(event, data.deadLetters) };
  if (event.detailType === 'EmailSent') {
    const messageId = str(event.detail.messageId);
    const kind = str(event.detail.kind);
    const email = messageId === undefined ? undefined : data.emails.find((sent) => sent.messageId === messageId);
    return {
      type: 'email',
      event,
      ...(messageId !== undefined && { messageId }),
      ...(kind !== undefined && { kind }),
      ...(email && { email }),
    };
  }
  if (event.detailType === 'PatientResponded') return { type: 'answer', event };
  return { type: 'published', event };
}

/**
 * When it happened, on the stack's clock: CareLoop's own events say so themselves (an email's
 * send, an answer), to the millisecond, and reach the bus later through the outbox, after events
 * that came in meanwhile; anything else happened when the bus took it.
 */
export function whenOf(event: ActivityEvent): string {
  const occurredAt = str(event.detail.occurredAt);
  return isPublished(event) && occurredAt !== undefined && !Number.isNaN(Date.parse(occurredAt))
    ? occurredAt
    : event.receivedAt;
}

/** Oldest first, as a story reads. */
const byTime = (a: ActivityEvent, b: ActivityEvent) => Date.parse(whenOf(a)) - Date.parse(whenOf(b)) || a.seq - b.seq;

function timeline(data: ConsoleData, belongs: (ids: Ids) => boolean): TimelineEntry[] {
  return data.events
    .filter((event) => belongs(idsOf(event.detail)))
    .sort(byTime)
    .map((event) => entryOf(event, data));
}

// ---------------------------------------------------------------------------------------
// Schedules

export interface PendingSchedule {
  name: string;
  fireAt: Date;
  /** reminder, check-in, plan-check: the due job's kind; otherwise the function a recurring schedule runs. */
  kind: string;
  ids: Ids;
  /** For a reminder: how long before the appointment, in minutes, and the appointment's time. */
  offsetMinutes?: number;
  startsAt?: string;
}

/** Schedules still to fire, soonest first. */
export function pendingSchedules(schedules: readonly ConsoleSchedule[]): PendingSchedule[] {
  return schedules
    .filter((schedule) => schedule.status === 'SCHEDULED' && schedule.state === 'ENABLED')
    .map((schedule) => {
      const input = parseJson(schedule.target.input);
      const kind = str(field(input, 'kind')) ?? schedule.target.arn.split(':').pop() ?? schedule.name;
      const offsetMinutes = field(input, 'offsetMinutes');
      const startsAt = str(field(input, 'startsAt'));
      return {
        name: schedule.name,
        fireAt: schedule.fireAt,
        kind,
        ids: idsOf(input),
        ...(typeof offsetMinutes === 'number' && { offsetMinutes }),
        ...(startsAt !== undefined && { startsAt }),
      };
    })
    .sort((a, b) => a.fireAt.getTime() - b.fireAt.getTime());
}

// ---------------------------------------------------------------------------------------
// Bookings and patients

export type BookingStatus = 'booked' | 'rescheduled' | 'cancelled' | 'missed' | 'session completed' | 'not created';

export interface BookingSummary {
  clinicId: string;
  bookingId: string;
  patientId?: string;
  patientName?: string;
  service?: string;
  therapist?: string;
  location?: string;
  startsAt?: string;
  timezone?: string;
  status: BookingStatus;
  /** When the console first heard of it (the bus's order): what "newest" means. */
  firstSeq: number;
  lastAt: string;
  events: number;
  emails: number;
}

export interface PatientSummary {
  clinicId: string;
  patientId: string;
  name?: string;
  email?: string;
  bookings: BookingSummary[];
  firstSeq: number;
  lastAt: string;
  events: number;
  emails: number;
}

const key = (clinicId: string, id: string) => `${clinicId}\u0000${id}`;
const latest = (a: string, b: string) => (Date.parse(b) > Date.parse(a) ? b : a);

const personName = (patient: unknown) =>
  [str(field(patient, 'firstName')), str(field(patient, 'lastName'))].filter(Boolean).join(' ') || undefined;

/**
 * Every booking and patient the events name, newest first. A booking's facts come from the
 * events that took (a rejected or stale change does not move it); which patient it is comes from
 * any event naming both.
 */
export function summaries(data: ConsoleData): { bookings: BookingSummary[]; patients: PatientSummary[] } {
  const bookings = new Map<string, BookingSummary>();
  const patients = new Map<string, PatientSummary>();
  const patientOf = (clinicId: string, patientId: string, event: ActivityEvent) => {
    const found = patients.get(key(clinicId, patientId));
    if (found) return found;
    const fresh: PatientSummary = {
      clinicId,
      patientId,
      bookings: [],
      firstSeq: event.seq,
      lastAt: whenOf(event),
      events: 0,
      emails: 0,
    };
    patients.set(key(clinicId, patientId), fresh);
    return fresh;
  };
  for (const event of data.events) {
    const { clinicId, bookingId, patientId } = idsOf(event.detail);
    if (clinicId === undefined || (bookingId === undefined && patientId === undefined)) continue;
    const email = event.detailType === 'EmailSent' ? 1 : 0;
    let booking: BookingSummary | undefined;
    if (bookingId !== undefined) {
      booking = bookings.get(key(clinicId, bookingId));
      if (!booking) {
        booking = {
          clinicId,
          bookingId,
          status: 'not created',
          firstSeq: event.seq,
          lastAt: whenOf(event),
          events: 0,
          emails: 0,
        };
        bookings.set(key(clinicId, bookingId), booking);
      }
      booking.lastAt = latest(booking.lastAt, whenOf(event));
      booking.events += 1;
      booking.emails += email;
      if (patientId !== undefined) booking.patientId ??= patientId;
      if (!isPublished(event) && took(outcomesOf(event, data.deadLetters))) applyToBooking(booking, event);
    }
    const owner = patientId ?? booking?.patientId;
    if (owner !== undefined) {
      const patient = patientOf(clinicId, owner, event);
      patient.lastAt = latest(patient.lastAt, whenOf(event));
      patient.events += 1;
      patient.emails += email;
      if (event.detailType === 'BookingCreated' && took(outcomesOf(event, data.deadLetters))) {
        patient.name = personName(event.detail.patient) ?? patient.name;
        patient.email = str(field(event.detail, 'patient', 'email')) ?? patient.email;
      }
    }
  }
  for (const booking of bookings.values()) {
    if (booking.patientId === undefined) continue;
    const patient = patients.get(key(booking.clinicId, booking.patientId));
    if (!patient) continue;
    patient.bookings.push(booking);
    if (patient.name !== undefined) booking.patientName = patient.name;
  }
  const newestFirst = <T extends { firstSeq: number }>(items: Iterable<T>) =>
    [...items].sort((a, b) => b.firstSeq - a.firstSeq);
  for (const patient of patients.values()) patient.bookings = newestFirst(patient.bookings);
  return { bookings: newestFirst(bookings.values()), patients: newestFirst(patients.values()) };
}

function applyToBooking(booking: BookingSummary, event: ActivityEvent) {
  const { detail } = event;
  switch (event.detailType) {
    case 'BookingCreated': {
      const created = field(detail, 'booking');
      booking.startsAt = str(field(created, 'startsAt')) ?? booking.startsAt;
      booking.timezone = str(field(created, 'timezone')) ?? booking.timezone;
      booking.service = str(field(created, 'service', 'name')) ?? booking.service;
      booking.therapist = str(field(created, 'therapist', 'name')) ?? booking.therapist;
      booking.location = str(field(created, 'location', 'name')) ?? booking.location;
      // A change that came before its booking keeps its status (cancelled stays cancelled).
      if (booking.status === 'not created') booking.status = 'booked';
      return;
    }
    case 'BookingRescheduled':
      booking.startsAt = str(detail.startsAt) ?? booking.startsAt;
      if (booking.status === 'booked' || booking.status === 'not created') booking.status = 'rescheduled';
      return;
    case 'BookingCancelled':
      booking.status = 'cancelled';
      return;
    case 'BookingMissed':
      booking.status = 'missed';
      return;
    case 'SessionCompleted':
      booking.status = 'session completed';
      return;
  }
}

// ---------------------------------------------------------------------------------------
// Pages' models

/** A dead letter with the ids it names (its booking or patient, when it names one). */
export interface DeadLetterView {
  letter: ConsoleDeadLetter;
  ids: Ids;
}

export interface OverviewModel {
  bookings: BookingSummary[];
  patients: PatientSummary[];
  pending: PendingSchedule[];
  deadLetters: DeadLetterView[];
  /** Events naming no booking or patient (clinic profiles, SES's reports), newest first. */
  other: TimelineEntry[];
}

/** Newest first, those `mine` keeps. */
const deadLettersOf = (data: ConsoleData, mine: (ids: Ids) => boolean = () => true): DeadLetterView[] =>
  data.deadLetters
    .map((letter) => ({ letter, ids: deadLetterIds(letter) }))
    .filter((view) => mine(view.ids))
    .reverse();

export function overviewModel(data: ConsoleData): OverviewModel {
  const { bookings, patients } = summaries(data);
  const other = data.events
    .filter((event) => {
      const ids = idsOf(event.detail);
      return ids.clinicId === undefined || (ids.bookingId === undefined && ids.patientId === undefined);
    })
    .map((event) => entryOf(event, data))
    .reverse();
  return {
    bookings,
    patients,
    pending: pendingSchedules(data.schedules),
    deadLetters: deadLettersOf(data),
    other,
  };
}

export interface BookingModel {
  booking: BookingSummary;
  timeline: TimelineEntry[];
  pending: PendingSchedule[];
  deadLetters: DeadLetterView[];
}

export function bookingModel(data: ConsoleData, clinicId: string, bookingId: string): BookingModel | undefined {
  const booking = summaries(data).bookings.find((b) => b.clinicId === clinicId && b.bookingId === bookingId);
  if (!booking) return undefined;
  const mine = (ids: Ids) => ids.clinicId === clinicId && ids.bookingId === bookingId;
  return {
    booking,
    timeline: timeline(data, mine),
    pending: pendingSchedules(data.schedules).filter((schedule) => mine(schedule.ids)),
    deadLetters: deadLettersOf(data, mine),
  };
}

export interface PatientModel {
  patient: PatientSummary;
  timeline: TimelineEntry[];
  pending: PendingSchedule[];
  deadLetters: DeadLetterView[];
}

export function patientModel(data: ConsoleData, clinicId: string, patientId: string): PatientModel | undefined {
  const patient = summaries(data).patients.find((p) => p.clinicId === clinicId && p.patientId === patientId);
  if (!patient) return undefined;
  const bookingIds = new Set(patient.bookings.map((booking) => booking.bookingId));
  // A reminder names its booking only; the patient's bookings make it theirs.
  const mine = (ids: Ids) =>
    ids.clinicId === clinicId &&
    (ids.patientId === patientId || (ids.bookingId !== undefined && bookingIds.has(ids.bookingId)));
  return {
    patient,
    timeline: timeline(data, mine),
    pending: pendingSchedules(data.schedules).filter((schedule) => mine(schedule.ids)),
    deadLetters: deadLettersOf(data, mine),
  };
}

export interface EmailModel {
  email: StoredEmail;
  /** CareLoop's record of sending it (EmailSent), when the outbox has published it. */
  sent?: ActivityEvent;
}

export function emailModel(data: ConsoleData, messageId: string): EmailModel | undefined {
  const email = data.emails.find((sent) => sent.messageId === messageId);
  if (!email) return undefined;
  const sent = data.events.find((event) => event.detailType === 'EmailSent' && event.detail.messageId === messageId);
  return { email, ...(sent && { sent }) };
}

/** The schedule "next due" moves the clock to. */
export const nextDue = (data: Pick<ConsoleData, 'schedules'>): PendingSchedule | undefined =>
  pendingSchedules(data.schedules)[0];
