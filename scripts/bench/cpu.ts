import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU time taken during a phase, split where the local stack spends it: this Node process (the
 * functions, in-process or in their worker threads, the emulators and the benchmark itself) and
 * DynamoDB Local's JVM. On a 2-core machine these two are what a burst waits on.
 */
export interface CpuSeconds {
  nodeProcess: number;
  /** Only where the system says (Linux's /proc); absent elsewhere. */
  dynamodbLocal?: number;
}

let ticksPerSecond: number | undefined;

/** A child process's user and system time so far, from /proc (fields 14 and 15 of its stat line). */
function childCpuSeconds(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name, in parentheses, may hold spaces: the fields are counted after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  ticksPerSecond ??= Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
  return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
}

/** Starts counting; the returned function says how much CPU each side took since. */
export function measureCpu(dynamodbProcessId: number | undefined): () => CpuSeconds {
  const node = process.cpuUsage();
  const jvm = dynamodbProcessId === undefined ? undefined : childCpuSeconds(dynamodbProcessId);
  return () => {
    const used = process.cpuUsage(node);
    const jvmNow = dynamodbProcessId === undefined ? undefined : childCpuSeconds(dynamodbProcessId);
    return {
      nodeProcess: (used.user + used.system) / 1e6,
      ...(jvm !== undefined && jvmNow !== undefined && { dynamodbLocal: jvmNow - jvm }),
    };
  };
}
