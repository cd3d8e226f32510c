import { createOutboxHandler } from '../../shared/runtime/outbox-handler';
import { busEvents, loadedEarly, sesMailer } from '../../shared/runtime/wiring';

// Every batch publishes; few carry a staff alert.
export const wiring = { events: loadedEarly(busEvents), mailer: sesMailer };

export const handler = createOutboxHandler(wiring);
