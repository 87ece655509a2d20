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
 * The `service_name` filter of `GET /aog/v0.2/service`: the query string, else the JSON body AOG's client sends on the
 * GET (aog-compat §9). Undefined for no filter: none given, or an empty name (Go clients send `""` for "all").
 */
async function serviceFilter(http: Context): Promise<unknown> {
  const query = http.req.query('service_name');
  if (query !== undefined) return query === '' ? undefined : query;
  const bytes = await readBodyBytes(http);
  if (bytes.toString('latin1').trim() === '') return undefined;
  const name = parseJsonObject(bytes).service_name;
  return name === '' || name === null ? undefined : name;
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
    responses: { 200: { description: 'Providers', content: { 'application/json': { schema: envelopeSchema } } } },
  }), (http) => {
    const data = context.catalog.definitions
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
    const wanted = await serviceFilter(http);
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
