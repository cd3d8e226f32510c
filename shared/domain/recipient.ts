import type { Recipient } from '../email/types';
import type { PatientRecord } from './model';

/** Whom an email greets and in which language: the patient as their record has them now. */
export const recipientOf = (patient: PatientRecord): Recipient => ({
  firstName: patient.firstName ?? '',
  locale: patient.locale ?? 'en',
  email: patient.email,
});
