import { describe, expect, it } from 'vitest';
import { careLoopFunctions } from '../../functions/catalog';

/**
 * A function's role is granted from the ports its descriptor lists; its handler wires its
 * own. The two must name the same ports, or a role would allow what the code never does (or
 * refuse what it does).
 */
describe('each function’s wiring', () => {
  it.each(careLoopFunctions.map((route) => [route.name, route] as const))(
    '%s wires exactly the ports its role is granted',
    async (_name, route) => {
      const module = (await import(`../../functions/${route.name}/handler.ts`)) as { wiring?: object };
      expect(module.wiring, 'handler.ts exports its wiring').toBeDefined();
      expect(Object.keys(module.wiring!).sort()).toEqual([...route.ports].sort());
    },
  );
});
