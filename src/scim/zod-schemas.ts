import { z } from 'zod';
import type { AttributeDefinition } from './schemas.js';

/**
 * A zod schema for an attribute, derived from its RFC 7643 definition so validation and
 * /Schemas can never disagree. Objects are loose: unknown sub-attributes are kept as sent.
 * Values are expected to have been canonicalised first (see canonicalise.ts).
 */
export function zodForAttribute(definition: AttributeDefinition): z.ZodType {
  const single = zodForSingle(definition);
  return definition.multiValued ? z.array(single) : single;
}

function zodForSingle(definition: AttributeDefinition): z.ZodType {
  switch (definition.type) {
    case 'complex':
      return z.looseObject(zodShape(definition.subAttributes ?? []));
    case 'boolean':
      return z.boolean();
    case 'integer':
      return z.number().int();
    case 'decimal':
      return z.number();
    case 'dateTime':
      return z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'Invalid dateTime');
    default:
      return z.string();
  }
}

/** Every attribute optional: which ones a body must carry is decided by the caller. */
export function zodShape(definitions: readonly AttributeDefinition[]): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = {};
  for (const definition of definitions) shape[definition.name] = zodForAttribute(definition).optional();
  return shape;
}
