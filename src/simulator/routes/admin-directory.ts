import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SimError } from '../errors.js';
import type { Simulator, SimulatorState } from '../types.js';
import { ADMIN_PREFIX, parseBody } from './admin.js';

const siteSchema = z.strictObject({ name: z.string().trim().min(1) });

const extensionAttributeSchema = z.strictObject({
  name: z.string().trim().min(1),
  type: z.enum(['String', 'Integer', 'Date']).optional(),
});

const deviceAssignmentSchema = z.strictObject({
  username: z.string().trim().min(1),
  kind: z.enum(['computer', 'mobile_device']).optional(),
  deviceName: z.string().min(1).optional(),
  realname: z.string().optional(),
  email: z.string().optional(),
});

export interface DirectoryAdminDeps {
  sim: Pick<Simulator, 'addSite' | 'deleteSite' | 'addUserExtensionAttribute' | 'deleteUserExtensionAttribute' | 'assignDevice'>;
  state: SimulatorState;
}

function idParam(request: FastifyRequest): number {
  const { id } = request.params as { id: string };
  if (!/^\d+$/.test(id)) throw new SimError(400, 'The id must be a positive integer', { code: 'INVALID_ID', field: 'id' });
  return Number(id);
}

/**
 * Simulator-only controls for the objects a Jamf admin manages around users: sites, user extension
 * attributes, and devices reporting a username (which makes Jamf create the user, devices.ts).
 * Unknown ids answer 404, taken names 409 (registries.ts).
 */
export function directoryAdminRoutes(app: FastifyInstance, { sim, state }: DirectoryAdminDeps): void {
  app.get(`${ADMIN_PREFIX}/sites`, async () => ({
    sites: [...state.sites].map(([id, name]) => ({ id, name })),
  }));

  app.post(`${ADMIN_PREFIX}/sites`, async (request, reply) => {
    const { name } = parseBody(request, siteSchema);
    return reply.code(201).send({ id: sim.addSite(name), name });
  });

  app.delete(`${ADMIN_PREFIX}/sites/:id`, async (request, reply) => {
    sim.deleteSite(idParam(request));
    return reply.code(204).send();
  });

  app.get(`${ADMIN_PREFIX}/user-extension-attributes`, async () => ({
    userExtensionAttributes: [...state.userExtensionAttributes].map(([id, def]) => ({ id, ...def })),
  }));

  app.post(`${ADMIN_PREFIX}/user-extension-attributes`, async (request, reply) => {
    const def = parseBody(request, extensionAttributeSchema);
    const id = sim.addUserExtensionAttribute(def);
    return reply.code(201).send({ id, ...state.userExtensionAttributes.get(id) });
  });

  app.delete(`${ADMIN_PREFIX}/user-extension-attributes/:id`, async (request, reply) => {
    sim.deleteUserExtensionAttribute(idParam(request));
    return reply.code(204).send();
  });

  // 201 when the assignment created the user, 200 when it linked an existing one.
  app.post(`${ADMIN_PREFIX}/device-assignments`, async (request, reply) => {
    const result = sim.assignDevice(parseBody(request, deviceAssignmentSchema));
    return reply.code(result.created ? 201 : 200).send(result);
  });
}
