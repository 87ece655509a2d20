import { createRoute, z } from '@hono/zod-openapi';
import type { AppContext } from '../../server/create-context.ts';
import { aogEnvelope, aogEnvelopeSchema } from '../aog-envelope.ts';
import { readAogListFilters } from '../aog-list-filters.ts';
import { aogFileVersion, exportAogFile, exportFilterNames } from '../aog-service-export.ts';
import { applyAogImport, planAogImport } from '../aog-service-import.ts';
import { maxDescriptionLength } from '../aog-service-provider-requests.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { readJsonObject } from '../parse-json-body.ts';
import { errorResponses, warningSchema } from '../schemas/response-schemas.ts';

const providerEntrySchema = z.object({
  service_name: z.string(), service_source: z.string(), desc: z.string(), api_flavor: z.string(), method: z.string(), url: z.string(),
  auth_type: z.string(), auth_key: z.string().openapi({ description: 'Always "" in an export; in an import, the key as install takes it, e.g. {"api_key":"sk-…"}' }),
  models: z.array(z.string()),
}).partial();
const aogFileSchema = z.object({
  version: z.string().openapi({ example: aogFileVersion }),
  services: z.record(z.string(), z.object({
    service_providers: z.object({ local: z.string(), remote: z.string() }).partial(),
    hybrid_policy: z.string(),
  }).partial()),
  service_providers: z.record(z.string(), providerEntrySchema),
}).openapi('AogFile');

const exportFilterSchema = z.object({ service_name: z.string().optional(), provider_name: z.string().optional(), model_name: z.string().optional() });

/**
 * AOG's `.aog` files (aog-compat §9, §10): export what this Atelier has (never a key), import a file all or nothing.
 * Import changes keys and policies, so it is refused from other machines like install; export is a read, answered
 * from anywhere (create-app.ts).
 */
export function registerAogExportImportRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'post', path: '/aog/v0.2/service/export', tags: ['AOG control plane'], summary: 'Export services and configured providers as a .aog file (keys are never included)',
    description: 'Answers the `.aog` object itself, without an envelope, as AOG does. Optional filters, as a JSON body or a query string (which wins when it names any): '
      + '`service_name`, `provider_name` (an AOG name such as `remote_aliyun_image-to-image`), `model_name` (canonical or alias). `auth_key` is always "". '
      + 'A body declared as another type than JSON: 415. Sent by a web page from elsewhere (an `Origin` not of this machine): 403, as every POST.',
    request: { query: exportFilterSchema, body: { required: false, content: { 'application/json': { schema: exportFilterSchema } } } },
    responses: { 200: { description: 'The .aog file', content: { 'application/json': { schema: aogFileSchema } } }, ...errorResponses(400, 403, 404, 415) },
  }), async (http) => {
    const filters = await readAogListFilters(http, exportFilterNames);
    return http.json(exportAogFile(context, filters));
  });

  defineRoute(app, createRoute({
    method: 'post', path: '/aog/v0.2/service/import', tags: ['AOG control plane'], summary: 'Import a .aog file: provider keys and per-service hybrid policies',
    description: `\`version\` ${aogFileVersion} (v0.6 with a warning; anything else: 422 \`aog_version_mismatch\`, 10014). Entries with a non-empty \`auth_key\` are stored as an install stores them; `
      + `one invalid entry refuses the whole file (400 naming it) and nothing is written. Their \`desc\` (at most ${maxDescriptionLength} characters, as for POST/PUT service_provider) is stored with the key. `
      + 'Entries without a key change nothing (their `desc` included); services Atelier does not serve are skipped with a warning.',
    request: { body: { content: { 'application/json': { schema: aogFileSchema } } } },
    responses: {
      200: {
        description: 'Imported',
        content: { 'application/json': { schema: aogEnvelopeSchema.extend({
          data: z.object({
            providers: z.array(z.string()).openapi({ description: 'Providers whose settings were stored, by id' }),
            services: z.record(z.string(), z.string()).openapi({ description: 'Hybrid policy set per service' }),
          }),
          warnings: z.array(warningSchema),
        }) } },
      },
      ...errorResponses(400, 403, 415, 422),
    },
  }), async (http) => {
    const file = await readJsonObject(http);
    const plan = planAogImport(file, context.catalog.definitions, (providerId) => context.catalog.isConfigured(providerId));
    await applyAogImport(context, plan);
    const providers = [...plan.providers.keys()];
    context.logger.info('.aog file imported', { providers, services: Object.fromEntries(plan.policies), warnings: plan.warnings.length });
    return http.json({
      ...aogEnvelope(10000, 'service interface call success', { providers, services: Object.fromEntries(plan.policies) }),
      warnings: plan.warnings,
    });
  });
}
