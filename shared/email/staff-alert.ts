import type { Block } from './blocks';
import { renderLayout } from './layout';
import type { EmailToSend, RenderContext, RenderedEmail } from './types';

/**
 * The short alert the clinic's staff get when a patient's answer needs attention (contract 1.1).
 * It names the patient and booking by id and the reasons by code, in plain words: never a name,
 * an address, a note or a pain score, so that it can go to a shared mailbox. The clinic looks the
 * patient up in its own system.
 */
export interface StaffAlertModel {
  patientId: string;
  bookingId: string;
  reasons: readonly string[];
  /** When the patient answered: ISO instant, shown in UTC (staff may sit in any zone). */
  answeredAt: string;
}

const REASONS: Readonly<Record<string, string>> = {
  'feeling-worse': 'feels worse than after the session',
  'pain-increase': 'reports more pain than after the session',
  'exercise-too-painful': 'finds a prescribed exercise too painful',
  'warning-signs': 'says one of the warning signs applies',
};

export function renderStaffAlert(model: StaffAlertModel, context: RenderContext): RenderedEmail {
  const subject = 'A patient may need attention';
  const answered = `${model.answeredAt.slice(0, 16).replace('T', ' ')} UTC`;
  const body: Block[] = [
    { type: 'heading', level: 1, text: subject },
    {
      type: 'paragraph',
      content: `A patient answered their check-in on ${answered}, and the answer calls for a look from the care team.`,
    },
    {
      type: 'facts',
      rows: [
        { label: 'Patient id', value: model.patientId },
        { label: 'Booking id', value: model.bookingId },
      ],
    },
    { type: 'paragraph', content: 'The patient:' },
    { type: 'list', items: model.reasons.map((reason) => REASONS[reason] ?? reason) },
    {
      type: 'paragraph',
      content:
        'The answer page has asked the patient to contact the clinic. Please open their record in your clinic system and get in touch.',
    },
  ];
  const footer: Block[] = [
    ...(context.clinic?.name
      ? [{ type: 'paragraph' as const, content: [{ strong: context.clinic.name }], muted: true }]
      : []),
    {
      type: 'paragraph',
      content: "Sent by CareLoop to the clinic's staff alert address. It holds ids only, by design.",
      muted: true,
    },
  ];
  const { html, text } = renderLayout({
    lang: 'en',
    subject,
    preheader: 'A check-in answer calls for a look.',
    body,
    footer,
  });
  return { subject, html, text, attachments: [] };
}

/** A staff alert for sendOnce: written when it is sent. */
export function staffAlertEmail(model: StaffAlertModel): EmailToSend {
  return { kind: 'staff-alert', render: (context) => renderStaffAlert(model, context) };
}
