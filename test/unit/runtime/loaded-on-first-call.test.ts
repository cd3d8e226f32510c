import { describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../../shared/config';
import { configuredSelfCareLibrary } from '../../../shared/runtime/self-care-source';
import { loadedEarly, loadedOnFirstCall } from '../../../shared/runtime/wiring';

class Adapter {
  readonly region = 'eu-central-1';
  async send(command: string) {
    return `${this.region}:${command}`;
  }
}

describe('ports loaded on their first call', () => {
  it('loads the adapter at the first call, once, and calls it as itself', async () => {
    let loads = 0;
    const port = loadedOnFirstCall(async () => {
      loads += 1;
      return new Adapter();
    });
    expect(loads).toBe(0);
    const [first, second] = await Promise.all([port.send('GetItem'), port.send('PutItem')]);
    expect([first, second]).toEqual(['eu-central-1:GetItem', 'eu-central-1:PutItem']);
    await expect(port.send('Query')).resolves.toBe('eu-central-1:Query');
    expect(loads).toBe(1);
  });

  it('tries a failed load again at the next call', async () => {
    let loads = 0;
    const port = loadedOnFirstCall(async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk not readable');
      return new Adapter();
    });
    await expect(port.send('GetItem')).rejects.toThrow('chunk not readable');
    await expect(port.send('GetItem')).resolves.toBe('eu-central-1:GetItem');
    expect(loads).toBe(2);
  });

  it('is not taken for a promise when awaited', async () => {
    const port = loadedOnFirstCall(async () => new Adapter());
    expect(await port).toBe(port);
  });

  it('starts loading when wired, for the ports a function always uses', async () => {
    let loads = 0;
    const create = () =>
      loadedOnFirstCall(async () => {
        loads += 1;
        return new Adapter();
      });
    const config = {} as RuntimeConfig;
    create();
    expect(loads).toBe(0);
    const early = loadedEarly(create)(config);
    expect(loads).toBe(1);
    await expect(early.send('GetItem')).resolves.toBe('eu-central-1:GetItem');
    expect(loads).toBe(1);
  });

  it('reports a failed early load at the first call, and loads again there', async () => {
    let loads = 0;
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const port = loadedEarly(() =>
        loadedOnFirstCall(async () => {
          loads += 1;
          if (loads === 1) throw new Error('chunk not readable');
          return new Adapter();
        }),
      )({} as RuntimeConfig);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
      await expect(port.send('GetItem')).resolves.toBe('eu-central-1:GetItem');
      expect(loads).toBe(2);
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('starts building the self-care library early too', async () => {
    const source = loadedEarly(configuredSelfCareLibrary)({} as RuntimeConfig);
    const library = await source.load();
    expect(library.findExercise('chin-tuck')).toBeDefined();
  });

  it('builds the self-care library once, with the clinic’s overrides', async () => {
    const previous = process.env.CARELOOP_SELF_CARE_OVERRIDES;
    process.env.CARELOOP_SELF_CARE_OVERRIDES = JSON.stringify({
      exercises: [
        {
          id: 'clinic-stretch',
          title: 'Clinic stretch',
          purpose: 'Loosens the neck',
          steps: ['Stretch'],
          dose: '1',
          frequency: 'daily',
          stopIf: ['pain'],
        },
      ],
    });
    try {
      const source = configuredSelfCareLibrary();
      const [first, second] = await Promise.all([source.load(), source.load()]);
      expect(first).toBe(second);
      expect(first.findExercise('clinic-stretch')?.title).toBe('Clinic stretch');
    } finally {
      if (previous === undefined) delete process.env.CARELOOP_SELF_CARE_OVERRIDES;
      else process.env.CARELOOP_SELF_CARE_OVERRIDES = previous;
    }
  });
});
