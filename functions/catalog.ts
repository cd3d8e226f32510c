import type { FunctionDescriptor } from './descriptor';
import { descriptor as bookingCancelled } from './booking-cancelled/descriptor';
import { descriptor as bookingCreated } from './booking-created/descriptor';
import { descriptor as bookingMissed } from './booking-missed/descriptor';
import { descriptor as clinicProfileUpdated } from './clinic-profile-updated/descriptor';
import { descriptor as bookingRescheduled } from './booking-rescheduled/descriptor';
import { descriptor as contactPreferencesUpdated } from './contact-preferences-updated/descriptor';
import { descriptor as dueJobs } from './due-jobs/descriptor';
import { descriptor as outbox } from './outbox/descriptor';
import { descriptor as patientDataExportRequested } from './patient-data-export-requested/descriptor';
import { descriptor as patientErasureRequested } from './patient-erasure-requested/descriptor';
import { descriptor as sesFeedback } from './ses-feedback/descriptor';
import { descriptor as sessionCompleted } from './session-completed/descriptor';
import { descriptor as treatmentPlanCreated } from './treatment-plan-created/descriptor';
import { descriptor as unsubscribe } from './unsubscribe/descriptor';

/**
 * Every CareLoop function, each described once (functions/<name>/descriptor.ts). The CDK stack
 * and the local stack are built from this list, so what runs on a laptop is what is deployed.
 */
export const careLoopFunctions: readonly FunctionDescriptor[] = [
  bookingCreated,
  bookingRescheduled,
  bookingCancelled,
  bookingMissed,
  sessionCompleted,
  treatmentPlanCreated,
  contactPreferencesUpdated,
  clinicProfileUpdated,
  patientDataExportRequested,
  patientErasureRequested,
  dueJobs,
  outbox,
  unsubscribe,
  sesFeedback,
];
