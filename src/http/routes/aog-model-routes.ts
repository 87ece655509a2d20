import { createRoute, z } from '@hono/zod-openapi';
import { isModelNamed } from '../../providers/shared/find-model.ts';
import type { ModelCapabilities, ProviderCapabilities } from '../../providers/spec/capabilities.ts';
import type { AppContext } from '../../server/create-context.ts';
import { aogEnvelope } from '../aog-envelope.ts';
import { readAogListFilters } from '../aog-list-filters.ts';
import { aogProviderName, aogServiceSource, resolveAogProviderName } from '../aog-provider-names.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { errorResponses } from '../schemas/response-schemas.ts';

/**
 * A model's `status`. `downloaded` is what AOG stores for a remote model at install (aog-compat §9.1) and means the
 * model can be called; AOG has no row at all for a model of an uninstalled provider, so the other two are Atelier's.
 */
const modelStatuses = ['downloaded', 'not_configured', 'unavailable'] as const;
type ModelStatus = (typeof modelStatuses)[number];

const modelFilterNames = ['provider_name', 'model_name', 'service_name'] as const;
const modelFilterSchema = z.object({
  provider_name: z.string().optional().openapi({ description: 'AOG name (`remote_aliyun_image-to-image`: that service only) or provider id/alias (`aliyun`: all its services)' }),
  model_name: z.string().optional().openapi({ description: 'Canonical name or alias (`wanx2.1-i2i-turbo` finds `wanx2.1-imageedit`)' }),
  service_name: z.string().optional(),
});

const aogModelSchema = z.object({
  model_name: z.string().openapi({ description: 'Canonical name (the one sent upstream)' }),
  avatar: z.string(),
  provider_name: z.string().openapi({ description: 'AOG\'s per-service provider name, as GET /aog/v0.2/service_provider lists it' }),
  status: z.enum(modelStatuses).openapi({ description: 'downloaded: callable; not_configured: its provider has no settings; unavailable: its provider has credentials but the model is out of use (GET /v1/models says why)' }),
  service_name: z.string(),
  service_source: z.enum(['remote', 'local']),
  is_default: z.boolean().openapi({ description: 'The model the provider uses for the service when a request names none' }),
  created_at: z.null().openapi({ description: 'Atelier stores no install time: null (AOG\'s zero time)' }),
  updated_at: z.null(),
  aliases: z.array(z.string()).openapi({ description: 'Atelier extension: other names clients may send for this model; never sent upstream' }),
}).openapi('AogModel');

function modelStatus(context: AppContext, providerId: string, modelId: string): ModelStatus {
  if (context.catalog.isServing(providerId, modelId)) return 'downloaded';
  return context.catalog.modelUnavailableReason(providerId, modelId) === undefined ? 'not_configured' : 'unavailable';
}

function aogModelEntry(context: AppContext, capabilities: ProviderCapabilities, model: ModelCapabilities) {
  return {
    model_name: model.id,
    avatar: '',
    provider_name: aogProviderName(capabilities, model.service),
    status: modelStatus(context, capabilities.id, model.id),
    service_name: model.service,
    service_source: aogServiceSource(capabilities),
    // Routing takes a provider's first model of a service when a request names none (choose-route.ts).
    is_default: capabilities.models.find((candidate) => candidate.service === model.service) === model,
    created_at: null,
    updated_at: null,
    aliases: [...(model.aliases ?? [])],
  };
}

/** AOG's model listing (aog-compat §7, §9): every model of every provider, configured or not, aliases marked. */
export function registerAogModelRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/model', tags: ['AOG control plane'], summary: 'Models by canonical name, with their aliases and whether they can be called',
    description: 'Every model of every provider, once, under its canonical name; `aliases` (an Atelier extension) lists the other names it answers to. '
      + 'Optional filters `provider_name`, `model_name`, `service_name` (query string, or a JSON body on the GET), by exact match; nothing matching gives an empty list.',
    request: {
      query: modelFilterSchema,
      body: { required: false, content: { 'application/json': { schema: modelFilterSchema } } },
    },
    responses: {
      200: { description: 'Models', content: { 'application/json': { schema: z.object({ business_code: z.literal(30000), message: z.string(), data: z.array(aogModelSchema) }) } } },
      ...errorResponses(400, 415),
    },
  }), async (http) => {
    const filters = await readAogListFilters(http, modelFilterNames);
    // A provider_name no provider has matches nothing (an empty list, as for any filter).
    const named = filters.provider_name === undefined ? undefined : resolveAogProviderName(context.catalog.definitions, filters.provider_name);
    const fromNamedProvider = (providerId: string, model: ModelCapabilities) => filters.provider_name === undefined
      || (named?.provider.capabilities.id === providerId && (named.service ?? model.service) === model.service);
    const data = context.catalog.definitions.flatMap(({ capabilities }) => capabilities.models
      .filter((model) => fromNamedProvider(capabilities.id, model))
      .filter((model) => filters.service_name === undefined || model.service === filters.service_name)
      .filter((model) => filters.model_name === undefined || isModelNamed(model, filters.model_name))
      .map((model) => aogModelEntry(context, capabilities, model)));
    // AOG's `bcode.ModelCode`, message included.
    return http.json(aogEnvelope(30000, 'service interface call success', data));
  });
}
