import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../server/create-context.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { serviceNames, serviceOf } from '../schemas/task-schemas.ts';

const styleSchema = z.object({
  id: z.string(), kind: z.enum(['style', 'edit']), name: z.string(), description: z.string(),
  examplePrompts: z.object({ en: z.array(z.string()), zh: z.array(z.string()) }),
  keywords: z.object({ en: z.array(z.string()), zh: z.array(z.string()) }),
}).openapi('Style');

const modelSchema = z.object({
  id: z.string(), provider: z.string(), service: z.enum(serviceNames), aliases: z.array(z.string()),
  description: z.string(), configured: z.boolean(), call_model: z.enum(['sync', 'async']), mask_convention: z.string(),
  max_outputs_per_call: z.number(), parameters: z.record(z.string(), z.unknown()),
  provider_options: z.record(z.string(), z.unknown()).openapi({ description: 'Options a request may add under provider_options.<provider> for this model, with their types and ranges' }),
  input: z.record(z.string(), z.unknown()),
  retired_on: z.string().optional(),
  unavailable_reason: z.string().optional().openapi({ description: 'Why a model of a provider with credentials is not used, e.g. its endpoint answered that it is retired' }),
}).openapi('Model');

const providerSchema = z.object({
  id: z.string(), aliases: z.array(z.string()), name: z.string(), kind: z.enum(['cloud', 'local']), configured: z.boolean(),
  default_concurrency: z.number(), environment: z.array(z.string()), models: z.array(z.string()),
  unavailable_reason: z.string().optional().openapi({ description: 'Why a provider with credentials is not used, e.g. a retired endpoint' }),
}).openapi('Provider');

/** Lists what this Atelier can do, read from the engine catalogue and the providers' declared capabilities. */
export function registerCatalogueRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'get', path: '/v1/styles', tags: ['Catalogue'], summary: 'The embedded engine\'s styles and edits, with example prompts in English and Chinese',
    responses: { 200: { description: 'Catalogue', content: { 'application/json': { schema: z.object({ styles: z.array(styleSchema) }) } } } },
  }), (http) => http.json({ styles: context.engine.styles() }));

  defineRoute(app, createRoute({
    method: 'get', path: '/v1/providers', tags: ['Catalogue'], summary: 'Providers and whether each is configured (keys are never returned)',
    responses: { 200: { description: 'Providers', content: { 'application/json': { schema: z.object({ providers: z.array(providerSchema) }) } } } },
  }), (http) => http.json({
    providers: context.catalog.definitions.map(({ capabilities }) => ({
      id: capabilities.id, aliases: [...capabilities.aliases], name: capabilities.displayName, kind: capabilities.kind,
      configured: context.catalog.isConfigured(capabilities.id), default_concurrency: context.catalog.defaultConcurrency(capabilities.id) ?? capabilities.defaultConcurrency,
      environment: [...capabilities.environment], models: capabilities.models.map((model) => model.id),
      unavailable_reason: context.catalog.unavailableReason(capabilities.id),
    })),
  }));

  defineRoute(app, createRoute({
    method: 'get', path: '/v1/models', tags: ['Catalogue'], summary: 'Models of every provider with their parameters and limits',
    request: { query: z.object({ service: z.enum(serviceNames).optional() }) },
    responses: { 200: { description: 'Models', content: { 'application/json': { schema: z.object({ models: z.array(modelSchema) }) } } } },
  }), (http) => {
    const requested = http.req.query('service');
    const service = requested === undefined ? undefined : serviceOf({ service: requested });
    const models = context.catalog.definitions.flatMap(({ capabilities }) =>
      capabilities.models.filter((model) => !service || model.service === service).map((model) => ({
        id: model.id, provider: capabilities.id, service: model.service, aliases: [...(model.aliases ?? [])], description: model.description,
        configured: context.catalog.isServing(capabilities.id, model.id), call_model: model.callModel, mask_convention: model.maskConvention,
        max_outputs_per_call: model.maxOutputsPerCall, parameters: model.parameters, provider_options: model.providerOptions ?? {},
        input: model.input, retired_on: model.retiredOn, unavailable_reason: context.catalog.modelUnavailableReason(capabilities.id, model.id),
      })),
    );
    return http.json({ models });
  });
}
