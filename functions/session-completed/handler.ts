import { onSessionCompleted } from '../../shared/domain/sessions';
import { createEventHandler } from '../../shared/runtime/handlers';

export const handler = createEventHandler('SessionCompleted', onSessionCompleted);
