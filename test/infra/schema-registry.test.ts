import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  detailTypes,
  eventCatalog,
  publishedCatalog,
  publishedDetailTypes,
  type DetailType,
  type PublishedDetailType,
} from '../../events';
import { detailJsonSchema, type JsonSchema } from '../../events/json-schema';
import { REGISTRY_CONTENT_MAX_LENGTH, REGISTRY_DESCRIPTION_MAX_LENGTH } from '../../events/registry-schemas';
import { CareLoopStack } from '../../infra/careloop-stack';
import { resolveSettings } from '../../infra/settings';
import { loadExamples, publishedExamplesDirectory, type ExampleEntry } from '../support/examples';

type Resource = { Type: string; Properties: Record<string, any> };

/** Bundling skipped and CloudFormation's own validation off: the template is what matters here. */
function synth(context: Record<string, unknown> = {}) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
  const settings = resolveSettings((key) => context[key], {});
  const stack = new CareLoopStack(app, `CareLoop-${settings.stage}`, { settings, env: { region: settings.region } });
  return { stack, template: Template.fromStack(stack) };
}

/** A validator that reads draft-04, as the registry's schemas are written (ajv 6 is the last to read it). */
function draft04Validator() {
  const ajv = new Ajv({ schemaId: 'id', meta: false, allErrors: true });
  ajv.addMetaSchema(createRequire(import.meta.url)('ajv/lib/refs/json-schema-draft-04.json'));
  return ajv;
}

const everyEvent = [
  ...detailTypes.map((type) => ({ type, ...eventCatalog[type], whose: 'accepted' })),
  ...publishedDetailTypes.map((type) => ({ type, ...publishedCatalog[type], whose: 'published' })),
] as const;

/** An example as EventBridge delivers it: the envelope around the detail. */
const delivered = (example: ExampleEntry<string>, detail: unknown = example.Detail) => ({
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': example.DetailType,
  source: example.Source,
  account: '123456789012',
  time: '2027-03-01T09:12:01Z',
  region: 'eu-central-1',
  resources: [],
  detail,
});

describe('the schema registry', () => {
  let stack: CareLoopStack;
  let template: Template;
  let schemas: [string, Resource][];
  const contentOf = (type: string) =>
    JSON.parse(schemas.find(([, schema]) => schema.Properties.SchemaName.endsWith(`@${type}`))![1].Properties.Content);

  beforeAll(() => {
    ({ stack, template } = synth());
    schemas = Object.entries(template.findResources('AWS::EventSchemas::Schema')) as [string, Resource][];
  });

  it("is one registry, named after the stage's prefix, and exported", () => {
    template.resourceCountIs('AWS::EventSchemas::Registry', 1);
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'careloop-dev' });
    const registryId = stack.getLogicalId(stack.schemaRegistry.registry);
    template.hasOutput('SchemaRegistryName', { Value: { 'Fn::GetAtt': [registryId, 'RegistryName'] } });

    const prod = synth({ stage: 'prod', busName: 'clinic-events-prod' }).template;
    prod.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'careloop-prod' });
  });

  it('holds one schema per event CareLoop accepts and per event it publishes, named <source>@<DetailType>', () => {
    const registryId = stack.getLogicalId(stack.schemaRegistry.registry);

    expect(schemas.map(([, schema]) => schema.Properties.SchemaName).sort()).toEqual(
      everyEvent.map(({ type, source }) => `${source}@${type}`).sort(),
    );
    for (const [, schema] of schemas) {
      expect(schema.Properties).toMatchObject({
        Type: 'JSONSchemaDraft4',
        RegistryName: { 'Fn::GetAtt': [registryId, 'RegistryName'] },
      });
      expect(schema.Properties.Description.length).toBeLessThanOrEqual(REGISTRY_DESCRIPTION_MAX_LENGTH);
      expect(schema.Properties.Content.length).toBeLessThanOrEqual(REGISTRY_CONTENT_MAX_LENGTH);
    }
  });

  it.each(everyEvent.map((event) => [event.type, event] as const))(
    '%s: a draft-04 schema of the whole event, naming its source and detail-type, the detail embedded',
    (type, { source, schema }) => {
      const content = contentOf(type);

      expect(draft04Validator().validateSchema(content), JSON.stringify(draft04Validator().errors)).toBe(true);
      expect(content).toMatchObject({
        $schema: 'http://json-schema.org/draft-04/schema#',
        type: 'object',
        'x-amazon-events-source': source,
        'x-amazon-events-detail-type': type,
        properties: { detail: { $ref: `#/definitions/${type}` }, 'detail-type': {}, source: {} },
      });
      expect(content.required).toEqual(expect.arrayContaining(['detail', 'detail-type', 'source', 'id', 'time']));
      const { $schema: _draft, ...detail } = detailJsonSchema(schema, 'draft-04');
      expect(content.definitions).toEqual({ [type]: detail });
    },
  );

  describe('validates events as EventBridge delivers them', () => {
    const examples = [...loadExamples<DetailType>(), ...loadExamples<PublishedDetailType>(publishedExamplesDirectory)];

    it('has an example of every event in the registry', () => {
      expect(examples.map((example) => example.DetailType).sort()).toEqual(everyEvent.map(({ type }) => type).sort());
    });

    it.each(examples.map((example) => [example.file, example] as const))(
      'accepts %s, and refuses it without its eventId',
      (_file, example) => {
        const validate = draft04Validator().compile(contentOf(example.DetailType) as JsonSchema);
        const { eventId: _eventId, ...withoutEventId } = example.Detail;

        expect(validate(delivered(example)), JSON.stringify(validate.errors)).toBe(true);
        expect(validate(delivered(example, withoutEventId))).toBe(false);
      },
    );

    it('refuses a published event carrying a field the contract does not list', () => {
      const example = loadExamples<PublishedDetailType>(publishedExamplesDirectory).find(
        (entry) => entry.DetailType === 'PlanAtRisk',
      )!;
      const validate = draft04Validator().compile(contentOf('PlanAtRisk') as JsonSchema);

      expect(validate(delivered(example, { ...example.Detail, email: 'alex.meyer@example.com' }))).toBe(false);
    });
  });
});
