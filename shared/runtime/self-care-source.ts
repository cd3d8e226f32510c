import type { SelfCareSource } from '../domain/ports';
import type { SelfCareLibrary } from '../self-care/library';
import { START_LOADING, type LoadsOnDemand } from './wiring';

/**
 * The clinic's library: built on first use (the self-care data is a chunk of its own). A module
 * of its own, so a function that does not wire the library carries not even that chunk. Deployed
 * bundles have the clinic's file inlined here by esbuild; locally npm start sets it.
 */
export const configuredSelfCareLibrary = (): SelfCareSource & LoadsOnDemand => {
  let library: Promise<SelfCareLibrary> | undefined;
  const load = () =>
    (library ??= import('../self-care/configured').then(({ selfCareLibraryFromConfiguration }) =>
      selfCareLibraryFromConfiguration(process.env.CARELOOP_SELF_CARE_OVERRIDES),
    ));
  return { load, [START_LOADING]: () => void load().catch(() => undefined) };
};
