import { createRoute, z } from '@hono/zod-openapi';
import { mergeServicePolicy, updateConfigFile } from '../../config/provider-config-file.ts';
import { installableFlavors, providerSettingsFromInstall, saveInstalledSettings } from '../../config/install-provider.ts';
import { hybridPolicies } from '../../routing/hybrid-policy.ts';
import type { AppContext } from '../../server/create-context.ts';
import { aogEnvelope, aogEnvelopeSchema } from '../aog-envelope.ts';
import { readAogListFilters } from '../aog-list-filters.ts';
import { checkService, readServiceSource, serviceSources } from '../aog-service-provider-requests.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { readJsonObject } from '../parse-json-body.ts';
import { errorResponses } from '../schemas/response-schemas.ts';
import { serviceNames } from '../schemas/task-schemas.ts';
import { storedHybridPolicy } from '../stored-hybrid-policy.ts';
import { registerAogExportImportRoutes } from './aog-export-import-routes.ts';
import { registerAogModelRoutes } from './aog-model-routes.ts';
import { registerAogServiceProviderRoutes } from './aog-service-provider-routes.ts';

/**
 * The part of AOG's control plane clients use to set Atelier up: install a remote image service with a key, read and
 * set the per-service hybrid policy; with `.aog` export and import, the service_provider routes (list, detail,
 * create, update, remove; never a key) and the model listing.
 */
export function registerAogControlPlaneRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'post', path: '/aog/v0.2/service/install', tags: ['AOG control plane'], summary: 'Install a service (remote: store the provider key; local: the embedded engine)',
    description: 'A remote install checks the settings first and writes config.json only when they are valid: a refused install (400) changes nothing. '
      + 'A Content-Type other than JSON: 415 `request_content_type_unsupported` (40004); none is accepted.',
    request: { body: { content: { 'application/json': { schema: z.object({
      service_name: z.enum(serviceNames),
      service_source: z.enum(serviceSources).optional().openapi({ description: 'Default remote (also when null or "")' }),
      api_flavor: z.enum(installableFlavors).optional().openapi({ description: 'Required for a remote install' }),
      auth_key: z.string().optional().openapi({ description: 'JSON string, e.g. {"api_key":"sk-…"}; for a remote install' }),
    }) } } } },
    responses: { 200: { description: 'Installed', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 403, 404, 415) },
  }), async (http) => {
    const body = await readJsonObject(http);
    checkService(body.service_name);
    if (readServiceSource(body) === 'remote') {
      const { providerId, settings } = providerSettingsFromInstall(body.api_flavor, body.auth_key);
      const provider = context.catalog.findProvider(providerId)!;
      // Checked before the write: a refusal leaves the file and the catalogue as they were.
      await saveInstalledSettings(context.settings.dataDirectory, provider, settings, (file) => context.catalog.settingsWith(providerId, file));
      await context.reloadConfiguration();
      context.logger.info('provider installed', { provider: providerId });
    }
    return http.json(aogEnvelope(10000, 'service interface call success'));
  });

  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service', tags: ['AOG control plane'], summary: 'Services with their hybrid policy',
    description: 'Optionally filtered to one service: `?service_name=` or, as AOG\'s client sends it, a JSON body `{"service_name"}` on the GET (the query string wins when both are given; an empty name means no filter).',
    request: {
      query: z.object({ service_name: z.enum(serviceNames).optional() }),
      body: { required: false, content: { 'application/json': { schema: z.object({ service_name: z.enum(serviceNames).optional() }) } } },
    },
    responses: { 200: { description: 'Services', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 404, 415) },
  }), async (http) => {
    const wanted = (await readAogListFilters(http, ['service_name'])).service_name;
    const services = wanted === undefined ? serviceNames : [checkService(wanted)];
    return http.json(aogEnvelope(10000, 'service interface call success', services.map((service) => ({
      service_name: service, hybrid_policy: context.defaultPolicy(service), status: 1, avatar: '', created_at: null, updated_at: null,
    }))));
  });

  defineRoute(app, createRoute({
    method: 'put', path: '/aog/v0.2/service', tags: ['AOG control plane'], summary: 'Set a service\'s default hybrid policy',
    request: { body: { content: { 'application/json': { schema: z.object({ service_name: z.enum(serviceNames), hybrid_policy: z.enum(hybridPolicies).optional() }) } } } },
    responses: { 200: { description: 'Updated', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 403, 404, 415) },
  }), async (http) => {
    const body = await readJsonObject(http);
    const service = checkService(body.service_name);
    const policy = storedHybridPolicy(body.hybrid_policy);
    await updateConfigFile(context.settings.dataDirectory, (config) => mergeServicePolicy(config, service, policy)); // keeps its fallbacks
    await context.reloadConfiguration();
    return http.json(aogEnvelope(10000, 'service interface call success'));
  });

  registerAogExportImportRoutes(app, context);

  registerAogServiceProviderRoutes(app, context);
  registerAogModelRoutes(app, context);
}
