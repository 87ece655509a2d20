import { leadingCharacters } from '../../text/character-length.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { uninstallProvider } from '../../config/uninstall-provider.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ProviderCapabilities } from '../../providers/spec/capabilities.ts';
import type { AppContext } from '../../server/create-context.ts';
import { aogEnvelope, aogEnvelopeSchema } from '../aog-envelope.ts';
import { readAogListFilters } from '../aog-list-filters.ts';
import { resolveAogProviderName } from '../aog-provider-names.ts';
import { matchingServiceProviders, serviceProviderFilterNames, type ServiceProviderFilters } from '../aog-service-provider-entries.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { checkJsonContentType } from '../parse-json-body.ts';
import { errorResponses } from '../schemas/response-schemas.ts';

/** AOG's answer to every service_provider route (`bcode.ServiceProviderCode`). */
const serviceProviderSuccess = [20000, 'service provider interface call success'] as const;

const serviceProviderFilterSchema = z.object({
  service_name: z.string().optional(), service_source: z.string().optional(), provider_name: z.string().optional(), api_flavor: z.string().optional(),
});
const filterRequest = {
  query: serviceProviderFilterSchema,
  body: { required: false, content: { 'application/json': { schema: serviceProviderFilterSchema } } },
};
const filterDescription = 'Filtered as AOG filters it, by exact match: `service_name`, `service_source`, `provider_name`, `api_flavor` (compared with `flavor`), '
  + 'given as a JSON body on the GET (AOG\'s client) or as a query string (which wins when it names any of them). An empty value means no filter.';

/** `service_source=remote, provider_name=x` for an error message: what was asked for, in the client's words. */
function describeFilters(filters: ServiceProviderFilters): string {
  // Cut short: the values are the client's own text and may be as long as the body limit.
  const parts = Object.entries(filters).map(([name, value]) => `${name}=${leadingCharacters(String(value), 80)}`);
  return parts.length === 0 ? 'any configured provider' : `a configured provider with ${parts.join(', ')}`;
}

/** Why a provider is configured without anything in config.json, for the answers of a removal. */
function configuredWithoutFile(capabilities: ProviderCapabilities): string {
  return capabilities.kind === 'local'
    ? 'it stays configured: the embedded engine needs no settings'
    : `the environment still configures it (${capabilities.environment.join(', ')}); unset those variables to stop using it`;
}

/**
 * AOG's service_provider routes: the listing and its `/detail` (one code path; never a key) and the removal of a
 * provider's stored settings. Adding a provider is `POST /aog/v0.2/service/install`.
 */
export function registerAogServiceProviderRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Configured providers (keys are never included)',
    description: `${filterDescription} Nothing matching gives an empty list.`,
    request: filterRequest,
    responses: { 200: { description: 'Providers', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400) },
  }), async (http) => {
    const filters = await readAogListFilters(http, serviceProviderFilterNames);
    return http.json(aogEnvelope(...serviceProviderSuccess, matchingServiceProviders(context, filters)));
  });

  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service_provider/detail', tags: ['AOG control plane'], summary: 'One configured provider (its key is never included)',
    description: `${filterDescription} Answers the first entry the listing would give for the same filters, as \`data\`; none: 404 \`provider_not_found\` (40010).`,
    request: filterRequest,
    responses: { 200: { description: 'The provider', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 404) },
  }), async (http) => {
    const filters = await readAogListFilters(http, serviceProviderFilterNames);
    const [first] = matchingServiceProviders(context, filters);
    if (first === undefined) {
      const known = matchingServiceProviders(context, {}).map((entry) => entry.provider_name).join(', ');
      throw new GatewayError('provider_not_found', { provider: describeFilters(filters), known });
    }
    return http.json(aogEnvelope(...serviceProviderSuccess, first));
  });

  defineRoute(app, createRoute({
    method: 'delete', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Remove a provider\'s stored settings (its key) from config.json',
    description: 'Removes what config.json stores for the provider (written 0600, through the same checked write as an install) and applies it at once. '
      + 'Atelier keeps one set of settings per provider, so `remote_aliyun_image-to-image` and `remote_aliyun_image-to-video` both remove aliyun\'s. '
      + 'Environment variables are not touched: when they still configure the provider, the message says so and `data.configured` is true. '
      + 'Unknown name: 404 `provider_not_found` (40010); nothing stored: 404 `provider_settings_not_stored` (20009), nothing written. '
      + 'A Content-Type other than JSON (or none): 415 `request_content_type_unsupported` (40004), as for an install.',
    request: {
      query: z.object({ provider_name: z.string().optional().openapi({ description: 'The same name as a query string (wins over the body)' }) }),
      body: { required: false, content: { 'application/json': { schema: z.object({
        provider_name: z.string().openapi({ description: 'Provider id or alias (`aliyun`, `dashscope`) or AOG name (`remote_aliyun_image-to-image`)' }),
      }) } } },
    },
    responses: {
      200: { description: 'Removed', content: { 'application/json': { schema: aogEnvelopeSchema.extend({ data: z.object({ provider_name: z.string(), configured: z.boolean() }) }) } } },
      ...errorResponses(400, 403, 404, 415),
    },
  }), async (http) => {
    // A change refuses a body it would have to guess at, like the install that stored the key; the GET listings
    // (reads) stay lenient.
    checkJsonContentType(http);
    const name = (await readAogListFilters(http, ['provider_name'])).provider_name;
    if (name === undefined) throw new GatewayError('parameter_missing', { parameter: 'provider_name' });
    const provider = resolveAogProviderName(context.catalog.definitions, name)?.provider;
    if (provider === undefined) {
      throw new GatewayError('provider_not_found', { provider: leadingCharacters(name, 80), known: context.catalog.definitions.map((definition) => definition.capabilities.id).join(', ') });
    }
    const { capabilities } = provider;
    const removed = await uninstallProvider(context.settings.dataDirectory, provider, context.catalog.definitions);
    if (!removed) {
      const state = context.catalog.isConfigured(capabilities.id) ? configuredWithoutFile(capabilities) : 'it is not configured';
      throw new GatewayError('provider_settings_not_stored', { provider: capabilities.id, state });
    }
    await context.reloadConfiguration();
    const configured = context.catalog.isConfigured(capabilities.id);
    context.logger.info('provider settings removed', { provider: capabilities.id, stillConfigured: configured });
    const [businessCode, message] = serviceProviderSuccess;
    const answerMessage = configured ? `${message}; removed ${capabilities.id}'s settings from config.json, but ${configuredWithoutFile(capabilities)}` : message;
    return http.json(aogEnvelope(businessCode, answerMessage, { provider_name: capabilities.id, configured }));
  });
}
