/** Every field a JSON Schema lets a detail carry, by path (`exercises.exerciseId`), whichever `oneOf` branch holds it. */
export function fieldPaths(schema: Record<string, unknown>, prefix = ''): string[] {
  const branches = [schema, ...((schema.oneOf ?? []) as Record<string, unknown>[])];
  const paths = branches.flatMap((branch) =>
    Object.entries((branch.properties ?? {}) as Record<string, Record<string, unknown>>).flatMap(([name, field]) => {
      const path = `${prefix}${name}`;
      const items = field.items as Record<string, unknown> | undefined;
      return [path, ...fieldPaths(field, `${path}.`), ...(items ? fieldPaths(items, `${path}.`) : [])];
    }),
  );
  return [...new Set(paths)];
}
