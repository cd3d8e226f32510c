import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { measureCpu } from '../../../scripts/bench/cpu';

/** The bench's CPU split of a burst: this process, and a child's (DynamoDB Local's JVM) from /proc. */
describe('measureCpu', () => {
  it("counts a busy child's CPU apart from this process's, and leaves the child out when none is given", async () => {
    // Busy until it has used 0.3 s of CPU itself (however loaded the machine), then idle until killed.
    const child = spawn(process.execPath, [
      '-e',
      'while (process.cpuUsage().user < 300_000); console.log("done"); setInterval(() => {}, 1000);',
    ]);
    await once(child, 'spawn');
    const measured = measureCpu(child.pid);
    const alone = measureCpu(undefined);
    await once(child.stdout!, 'data');
    const split = measured();
    child.kill();
    await once(child, 'exit');
    expect(split.nodeProcess).toBeGreaterThanOrEqual(0);
    if (process.platform === 'linux') expect(split.dynamodbLocal).toBeGreaterThan(0.2);
    expect(alone()).not.toHaveProperty('dynamodbLocal');
  });
});
