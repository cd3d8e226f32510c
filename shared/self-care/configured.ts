import { createSelfCareLibrary, selfCareLibrary, validateSelfCareLibrary, type SelfCareLibrary } from './library';
import type { SelfCareOverrides } from './types';

/**
 * The library a deployment runs with: the built-in one, extended or overridden by a clinic's
 * JSON file (same shape as SelfCareOverrides: entries merged by id or code). No code change:
 * the CDK app bundles the file's text into the functions, the local stack reads it at start.
 * An incomplete or inconsistent file fails loudly, at synth or start-up, never in an email.
 */
export function selfCareLibraryFromConfiguration(json: string | undefined): SelfCareLibrary {
  if (json === undefined || json.trim() === '') return selfCareLibrary;
  let overrides: SelfCareOverrides;
  try {
    overrides = JSON.parse(json) as SelfCareOverrides;
  } catch (error) {
    throw new Error(`the self-care overrides are not valid JSON: ${(error as Error).message}`);
  }
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides)) {
    throw new Error('the self-care overrides must be a JSON object with techniques, areas, exercises or redFlags');
  }
  const library = createSelfCareLibrary(overrides);
  const problems = validateSelfCareLibrary(library);
  if (problems.length > 0)
    throw new Error(`the self-care overrides leave the library incomplete: ${problems.join('; ')}`);
  return library;
}
