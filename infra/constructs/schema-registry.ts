import * as eventschemas from 'aws-cdk-lib/aws-eventschemas';
import type { Construct } from 'constructs';
import { REGISTRY_SCHEMA_TYPE, registrySchemas } from '../../events/registry-schemas';
import { StackSection } from './section';

/**
 * The event contract in EventBridge's schema registry: a registry of the stage's own, with one
 * schema per event CareLoop accepts and per event it publishes, generated from the zod schemas
 * (events/registry-schemas.ts). Developers of front ends and of the clinic's tools browse them in
 * the console and download code bindings from them; a deploy that changes a schema adds a version.
 */
export class SchemaRegistry extends StackSection {
  readonly registry: eventschemas.CfnRegistry;
  /** The schema of each event, by its name in the registry (`<source>@<DetailType>`). */
  readonly schemas: ReadonlyMap<string, eventschemas.CfnSchema>;

  constructor(scope: Construct, id: string, props: { registryName: string }) {
    super(scope, id);
    // The ids are the stack's logical ids (sections leave no trace in them): named to stay unique there.
    this.registry = new eventschemas.CfnRegistry(this, 'EventSchemaRegistry', {
      registryName: props.registryName,
      description: 'CareLoop events: what front ends send and what CareLoop publishes (docs/EVENTS.md)',
    });
    this.schemas = new Map(
      registrySchemas().map((schema) => [
        schema.name,
        new eventschemas.CfnSchema(this, `EventSchema${schema.detailType}`, {
          registryName: this.registry.attrRegistryName,
          schemaName: schema.name,
          type: REGISTRY_SCHEMA_TYPE,
          content: schema.content,
          description: schema.description,
        }),
      ]),
    );
  }
}
