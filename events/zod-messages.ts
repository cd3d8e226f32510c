import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * zod/mini ships without messages; this loads zod's English ones, which the contract's error
 * texts build on ("Too big: expected string to have <=500 characters"). Imported for its
 * effect by every module that defines schemas, so it has run before anything is parsed.
 * Only English: `z.locales` would put zod's 40 locales in every bundle.
 */
config(en());
