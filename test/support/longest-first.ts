import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Vitest's own order runs one project's files after another's: here that would leave the unit
 * files, which need the processor, until the stack files, which mostly wait, were done. This
 * order mixes them: the files that took longest last time first, whatever their project, and a
 * file never run before ahead of all of them.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const lastDuration = (file: TestSpecification) =>
      cache.getFileTestResults(`${file.project.name}:${relative(config.root, file.moduleId)}`)?.duration;
    return [...files].sort((a, b) => (lastDuration(b) ?? Infinity) - (lastDuration(a) ?? Infinity));
  }
}
