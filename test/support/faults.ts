import { eventCatalog, type DetailType } from '../../events/catalog';
import { InvalidEventError, parseEvent, type ParsedEvent } from '../../events/validation';
import {
  onBookingCancelled,
  onBookingCreated,
  onBookingMissed,
  onBookingRescheduled,
} from '../../shared/domain/bookings';
import { onClinicProfileUpdated } from '../../shared/domain/clinic-profile';
import { onPatientDataExportRequested, onPatientErasureRequested } from '../../shared/domain/data-rights';
import { onContactPreferencesUpdated } from '../../shared/domain/patients';
import { onTreatmentPlanCreated } from '../../shared/domain/plans';
import type { Dependencies } from '../../shared/domain/ports';
import { onSessionCompleted } from '../../shared/domain/sessions';

/**
 * Fault injection for the reliability tests: port calls that fail once (before or after they
 * took effect), a journal of every call the domain makes to the outside world, and `deliver`,
 * which handles one event the way shared/runtime/handlers.ts does (validate, skip what was
 * processed, run the use case, mark it processed) against any Dependencies.
 */

/** A failure the test injected: anything but a MailerError means "unknown" to the domain. */
export class InjectedFault extends Error {
  override readonly name = 'InjectedFault';
}

/** The ports whose calls can fail: everything the domain reaches over the network. */
export const PORTS = ['store', 'mailer', 'scheduler', 'unsubscribeLinks'] as const;
export type Port = (typeof PORTS)[number];

export interface PortCall {
  port: Port;
  method: string;
  /** 1-based position of the call among all port calls of this dependencies object. */
  index: number;
}

/**
 * When the call fails: `before` it took effect (the request never arrived), or `after` it did
 * (the answer was lost: the write happened, the email went out, the caller sees an error).
 */
export type CutMoment = 'before' | 'after';

export type CallHook = (call: PortCall, moment: CutMoment) => void;

/**
 * Dependencies whose port calls go through `hook` before and after each one; a hook that
 * throws is a failure at that point. The original adapters are shared, so their state (the
 * memory store's claims, the mailer's outbox) is what the test inspects.
 */
export function instrument(deps: Dependencies, hook: CallHook): Dependencies {
  let index = 0;
  const wrap = <T extends object>(port: Port, target: T): T =>
    new Proxy(target, {
      get(object, property, receiver) {
        const value = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          const call: PortCall = { port, method: String(property), index: ++index };
          hook(call, 'before');
          const result = await (value as (...parameters: unknown[]) => Promise<unknown>).apply(object, args);
          hook(call, 'after');
          return result;
        };
      },
    });
  return {
    ...deps,
    store: wrap('store', deps.store),
    mailer: wrap('mailer', deps.mailer),
    scheduler: wrap('scheduler', deps.scheduler),
    unsubscribeLinks: wrap('unsubscribeLinks', deps.unsubscribeLinks),
  };
}

/** Calls that change something outside the process. */
const WRITES: Record<Port, string[]> = {
  store: [
    'save',
    'claimEmail',
    'recordEmailSent',
    'releaseEmailClaim',
    'suppressAddress',
    'markEventProcessed',
    'saveOutboxEntryOnce',
  ],
  mailer: ['send'],
  scheduler: ['ensure', 'remove'],
  unsubscribeLinks: [],
};

export const isWrite = (call: Pick<PortCall, 'port' | 'method'>) => WRITES[call.port].includes(call.method);

/** Dependencies that log every port call, for "nothing was written" and cut-point sweeps. */
export function journaled(deps: Dependencies) {
  const calls: PortCall[] = [];
  const dependencies = instrument(deps, (call, moment) => {
    if (moment === 'before') calls.push(call);
  });
  return { dependencies, calls, writes: () => calls.filter(isWrite) };
}

type AsyncMethods<T> = {
  [K in keyof T]: T[K] extends (...args: never[]) => Promise<unknown> ? K : never;
}[keyof T];

/**
 * Makes the next call of `target[method]` fail with `error()` (then restores the method), either
 * before it takes effect or after. Returns a probe telling whether the fault fired.
 */
export function failOnce<T extends object, K extends AsyncMethods<T>>(
  target: T,
  method: K,
  error: () => Error = () => new InjectedFault(`injected failure in ${String(method)}`),
  moment: CutMoment = 'before',
) {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  const probe = { fired: false };
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    (target as Record<K, unknown>)[method] = original;
    probe.fired = true;
    if (moment === 'after') await original.apply(target, args);
    throw error();
  };
  return probe;
}

/** Makes `target[method]` wait `ms` before each call, so concurrent invocations overlap there. */
export function slowDown<T extends object, K extends AsyncMethods<T>>(target: T, method: K, ms: number) {
  const original = target[method] as (...args: unknown[]) => Promise<unknown>;
  (target as Record<K, unknown>)[method] = async (...args: unknown[]) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return original.apply(target, args);
  };
}

/** The domain use case for a validated event. */
export function runUseCase(deps: Dependencies, event: ParsedEvent): Promise<unknown> {
  switch (event.detailType) {
    case 'BookingCreated':
      return onBookingCreated(deps, event.detail);
    case 'BookingRescheduled':
      return onBookingRescheduled(deps, event.detail);
    case 'BookingCancelled':
      return onBookingCancelled(deps, event.detail);
    case 'SessionCompleted':
      return onSessionCompleted(deps, event.detail);
    case 'TreatmentPlanCreated':
      return onTreatmentPlanCreated(deps, event.detail);
    case 'ContactPreferencesUpdated':
      return onContactPreferencesUpdated(deps, event.detail);
    case 'BookingMissed':
      return onBookingMissed(deps, event.detail);
    case 'ClinicProfileUpdated':
      return onClinicProfileUpdated(deps, event.detail);
    case 'PatientDataExportRequested':
      return onPatientDataExportRequested(deps, event.detail);
    case 'PatientErasureRequested':
      return onPatientErasureRequested(deps, event.detail);
  }
}

export interface RejectedEvent {
  source: unknown;
  detailType: unknown;
  problems: string[];
}

export type Delivery =
  { status: 'rejected'; problems: string[] } | { status: 'duplicate' } | { status: 'processed'; outcome: unknown };

/**
 * One delivery as createEventHandler (shared/runtime/handlers.ts) handles it, with the memory
 * adapters instead of the runtime's: an event that breaks the contract goes to `rejected` and
 * touches nothing else; an event already processed is skipped; otherwise the use case runs
 * and the event is marked processed. `crashBeforeMarking` is an invocation that died after the
 * use case finished. Any other failure propagates, as it does to Lambda (which retries).
 */
/** The one function these deliveries stand for: each function marks its own processed events. */
const CONSUMER = 'careloop-test-handler';

export async function deliver(
  deps: Dependencies,
  event: { source: unknown; detailType: unknown; detail: unknown },
  options: { rejected?: RejectedEvent[]; crashBeforeMarking?: boolean } = {},
): Promise<Delivery> {
  let parsed: ParsedEvent;
  try {
    parsed = parseEvent(event.source, event.detailType, event.detail);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    options.rejected?.push({ source: event.source, detailType: event.detailType, problems: error.problems });
    return { status: 'rejected', problems: error.problems };
  }
  const { clinicId, eventId } = parsed.detail;
  if (await deps.store.isEventProcessed(clinicId, parsed.detailType, eventId, CONSUMER)) return { status: 'duplicate' };
  const outcome = await runUseCase(deps, parsed);
  if (options.crashBeforeMarking) throw new InjectedFault('invocation died before marking the event processed');
  await deps.store.markEventProcessed(clinicId, parsed.detailType, eventId, CONSUMER, deps.clock.now());
  return { status: 'processed', outcome };
}

/** An event as the contract's producer sends it. */
export const contractEvent = <T extends DetailType>(detailType: T, detail: unknown) => ({
  source: eventCatalog[detailType].source as string,
  detailType: detailType as string,
  detail,
});
