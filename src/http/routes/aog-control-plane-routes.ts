import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { saveProviderSettings, updateConfigFile } from '../../config/provider-config-file.ts';
import { checkInstalledSettings, installableFlavors, providerSettingsFromInstall } from '../../config/install-provider.ts';
import { GatewayError, describeReceived } from '../../errors/gateway-error.ts';
import type { ServiceName } from '../../providers/spec/generation-call.ts';
import { hybridPolicies } from '../../routing/hybrid-policy.ts';
import type { AppContext } from '../../server/create-context.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { parseJsonObject, readJsonObject } from '../parse-json-body.ts';
import { readBodyBytes } from '../read-body-bytes.ts';
import { errorResponses } from '../schemas/response-schemas.ts';
import { isServiceName, serviceNames } from '../schemas/task-schemas.ts';

const envelope = (businessCode: number, message: string, data?: unknown) => ({ business_code: businessCode, message, ...(data === undefined ? {} : { data }) });
const serviceSources = ['local', 'remote'] as const;
const envelopeSchema = z.object({ business_code: z.number(), message: z.string(), data: z.unknown().optional() });

function checkService(value: unknown): ServiceName {
  if (isServiceName(value)) return value;
  throw new GatewayError('service_not_found', { service: describeReceived(value) });
}

/**
 * The filters of an AOG list route: the query string when it names any of `names`, else the JSON body AOG's client
 * sends on the GET (aog-compat §9). A filter that is absent, `""` or `null` (Go clients send `""` for "all") is left
 * out; anything else but a string is refused rather than ignored.
 */
async function listFilters<Name extends string>(http: Context, names: readonly Name[]): Promise<Partial<Record<Name, string>>> {
  const query = http.req.query();
  const fromQuery = names.some((name) => Object.hasOwn(query, name));
  let source: Record<string, unknown> = query;
  if (!fromQuery) {
    const bytes = await readBodyBytes(http);
    source = bytes.toString('latin1').trim() === '' ? {} : parseJsonObject(bytes);
  }
  const filters: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = Object.hasOwn(source, name) ? source[name] : undefined;
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw new GatewayError('parameter_invalid', { parameter: name, expected: 'a string', received: describeReceived(value) });
    filters[name] = value;
  }
  return filters;
}

const serviceProviderFilters = ['service_name', 'service_source', 'provider_name', 'api_flavor'] as const;
const serviceProviderFilterSchema = z.object({
  service_name: z.string().optional(), service_source: z.string().optional(), provider_name: z.string().optional(), api_flavor: z.string().optional(),
});

/** One AOG `ServiceProvider` entry per configured provider and service it serves (never with its key). */
function listServiceProviders(context: AppContext) {
  return context.catalog.definitions
    .filter((definition) => context.catalog.isConfigured(definition.capabilities.id))
    .flatMap(({ capabilities }) => serviceNames.filter((service) => capabilities.models.some((model) => model.service === service)).map((service) => ({
      provider_name: `${capabilities.kind === 'cloud' ? 'remote' : 'local'}_${capabilities.id}_${service}`,
      service_name: service,
      service_source: capabilities.kind === 'cloud' ? 'remote' : 'local',
      desc: capabilities.displayName,
      auth_type: capabilities.kind === 'cloud' ? (capabilities.id === 'tencent' ? 'token' : 'apikey') : 'none',
      flavor: capabilities.id,
      properties: '{}',
      models: capabilities.models.filter((model) => model.service === service).map((model) => model.id),
      status: 1,
      created_at: null,
      updated_at: null,
    })));
}

/**
 * The part of AOG's control plane clients use to set Atelier up: install a remote image service with a key, list
 * providers (never their keys), read and set the per-service hybrid policy.
 */
export function registerAogControlPlaneRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'post', path: '/aog/v0.2/service/install', tags: ['AOG control plane'], summary: 'Install a service (remote: store the provider key; local: the embedded engine)',
    description: 'A remote install checks the settings first and writes config.json only when they are valid: a refused install (400) changes nothing.',
    request: { body: { content: { 'application/json': { schema: z.object({
      service_name: z.enum(serviceNames),
      service_source: z.enum(serviceSources).optional().openapi({ description: 'Default remote' }),
      api_flavor: z.enum(installableFlavors).optional().openapi({ description: 'Required for a remote install' }),
      auth_key: z.string().optional().openapi({ description: 'JSON string, e.g. {"api_key":"sk-…"}; for a remote install' }),
    }) } } } },
    responses: { 200: { description: 'Installed', content: { 'application/json': { schema: envelopeSchema } } }, ...errorResponses(400, 404) },
  }), async (http) => {
    const body = await readJsonObject(http);
    checkService(body.service_name);
    const source = body.service_source ?? 'remote';
    if (!(serviceSources as readonly unknown[]).includes(source)) {
      throw new GatewayError('parameter_invalid', { parameter: 'service_source', expected: `one of: ${serviceSources.join(', ')}`, received: describeReceived(source) });
    }
    if (source === 'remote') {
      const { providerId, settings } = providerSettingsFromInstall(body.api_flavor, body.auth_key);
      const provider = context.catalog.findProvider(providerId)!;
      // Checked before the write, under the config file's lock: a refusal leaves the file and the catalogue as they were.
      await saveProviderSettings(context.settings.dataDirectory, providerId, settings, (config) => checkInstalledSettings(provider, config.providers ?? {}));
      await context.reloadConfiguration();
      context.logger.info('provider installed', { provider: providerId });
    }
    return http.json(envelope(10000, 'service interface call success'));
  });

  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Configured providers (keys are never included)',
    description: 'Filtered as AOG filters it, by exact match: `service_name`, `service_source`, `provider_name`, `api_flavor` (compared with `flavor`), '
      + 'given as a JSON body on the GET (AOG\'s client) or as a query string (which wins when it names any of them). An empty value means no filter; nothing matching gives an empty list.',
    request: {
      query: serviceProviderFilterSchema,
      body: { required: false, content: { 'application/json': { schema: serviceProviderFilterSchema } } },
    },
    responses: { 200: { description: 'Providers', content: { 'application/json': { schema: envelopeSchema } } }, ...errorResponses(400) },
  }), async (http) => {
    const filters = await listFilters(http, serviceProviderFilters);
    const data = listServiceProviders(context).filter((entry) => (filters.service_name === undefined || entry.service_name === filters.service_name)
      && (filters.service_source === undefined || entry.service_source === filters.service_source)
      && (filters.provider_name === undefined || entry.provider_name === filters.provider_name)
      && (filters.api_flavor === undefined || entry.flavor === filters.api_flavor));
    return http.json(envelope(20000, 'service provider interface call success', data));
  });

  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service', tags: ['AOG control plane'], summary: 'Services with their hybrid policy',
    description: 'Optionally filtered to one service: `?service_name=` or, as AOG\'s client sends it, a JSON body `{"service_name"}` on the GET (the query string wins when both are given; an empty name means no filter).',
    request: {
      query: z.object({ service_name: z.enum(serviceNames).optional() }),
      body: { required: false, content: { 'application/json': { schema: z.object({ service_name: z.enum(serviceNames).optional() }) } } },
    },
    responses: { 200: { description: 'Services', content: { 'application/json': { schema: envelopeSchema } } }, ...errorResponses(400, 404) },
  }), async (http) => {
    const wanted = (await listFilters(http, ['service_name'])).service_name;
    const services = wanted === undefined ? serviceNames : [checkService(wanted)];
    return http.json(envelope(10000, 'service interface call success', services.map((service) => ({
      service_name: service, hybrid_policy: context.defaultPolicy(service), status: 1, avatar: '', created_at: null, updated_at: null,
    }))));
  });

  defineRoute(app, createRoute({
    method: 'put', path: '/aog/v0.2/service', tags: ['AOG control plane'], summary: 'Set a service\'s default hybrid policy',
    request: { body: { content: { 'application/json': { schema: z.object({ service_name: z.enum(serviceNames), hybrid_policy: z.enum(hybridPolicies).optional() }) } } } },
    responses: { 200: { description: 'Updated', content: { 'application/json': { schema: envelopeSchema } } }, ...errorResponses(400, 404) },
  }), async (http) => {
    const body = await readJsonObject(http);
    const service = checkService(body.service_name);
    const policy = body.hybrid_policy === undefined || body.hybrid_policy === '' ? 'default' : body.hybrid_policy;
    if (!(hybridPolicies as readonly unknown[]).includes(policy)) throw new GatewayError('hybrid_policy_invalid', { received: describeReceived(policy) });
    await updateConfigFile(context.settings.dataDirectory, (config) => {
      config.services ??= {};
      config.services[service] = { ...config.services[service], hybrid_policy: policy as string }; // keeps its fallbacks
    });
    await context.reloadConfiguration();
    return http.json(envelope(10000, 'service interface call success'));
  });
}
