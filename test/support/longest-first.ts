import { statSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Without a last run to go by (a fresh clone, as CI has), the stack files first: they take longest. */
const GROUP_RANK = ['test/e2e/', 'test/integration/'];

/**
 * Vitest's own order runs one project's files after another's: here that would leave the unit
 * files, which need the processor, until the stack files, which mostly wait, were done. This
 * order mixes them: the files that took longest last time first, whatever their project. Files
 * with no last time go ahead of those (as in vitest's own order): e2e, then integration, then the
 * rest, the larger files first.
 */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const path = (file: TestSpecification) => relative(config.root, file.moduleId);
    const lastDuration = (file: TestSpecification) =>
      cache.getFileTestResults(`${file.project.name}:${path(file)}`)?.duration;
    const rank = (file: TestSpecification) => {
      const group = GROUP_RANK.findIndex((prefix) => path(file).startsWith(prefix));
      return group < 0 ? GROUP_RANK.length : group;
    };
    const size = (file: TestSpecification) => statSync(file.moduleId).size;
    return [...files].sort((a, b) => {
      const [durationA, durationB] = [lastDuration(a), lastDuration(b)];
      if (durationA !== undefined && durationB !== undefined) return durationB - durationA;
      if (durationA !== undefined || durationB !== undefined) return durationA === undefined ? -1 : 1;
      return rank(a) - rank(b) || size(b) - size(a);
    });
  }
}
