import { describe, expect, it } from 'vitest';
import { detailTypes, eventCatalog } from '../../../events/catalog';
import * as schemas from '../../../events/schemas';

describe('the event catalog', () => {
  it.each(detailTypes)('reads the very schema events/schemas.ts exports for %s', (detailType) => {
    const exported = schemas[`${detailType[0]!.toLowerCase()}${detailType.slice(1)}Schema` as keyof typeof schemas];
    expect(exported).toBeDefined();
    expect(eventCatalog[detailType].schema).toBe(exported);
    expect(eventCatalog[detailType].schema).toBe(eventCatalog[detailType].schema);
  });
});
