import { leadingCharacters } from '../../text/character-length.ts';
import { createRoute, z } from '@hono/zod-openapi';
import { readConfigFile } from '../../config/provider-config-file.ts';
import { createServiceProviderEntry, storedSettingsConfigure, updateServiceProviderEntry } from '../../config/service-provider-entry.ts';
import { uninstallProvider } from '../../config/uninstall-provider.ts';
import { GatewayError } from '../../errors/gateway-error.ts';
import type { ProviderCapabilities } from '../../providers/spec/capabilities.ts';
import type { AppContext } from '../../server/create-context.ts';
import { aogEnvelope, aogEnvelopeSchema } from '../aog-envelope.ts';
import { readAogListFilters } from '../aog-list-filters.ts';
import { matchingServiceProviders, serviceProviderFilterNames, type ServiceProviderFilters } from '../aog-service-provider-entries.ts';
import { maxDescriptionLength, providerNotConfigured, readCreateServiceProviderRequest, readUpdateServiceProviderRequest, resolveKnownProviderName, serviceSources } from '../aog-service-provider-requests.ts';
import { defineRoute, type AtelierApp } from '../define-route.ts';
import { checkJsonContentType, readJsonObject } from '../parse-json-body.ts';
import { errorResponses } from '../schemas/response-schemas.ts';
import { serviceNames } from '../schemas/task-schemas.ts';

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
  + 'given as a JSON body on the GET (AOG\'s client) or as a query string (which wins when it names any of them). An empty value means no filter. '
  + 'A body declared as another type than JSON: 415.';

/** The answer of a change (create, update, remove): the provider's id and whether it is configured now. */
const changeAnswerSchema = aogEnvelopeSchema.extend({ data: z.object({ provider_name: z.string(), configured: z.boolean() }) });

/** The fields create and update read; AOG's others (`method`, `auth_type`, `models`, `extra_headers`, …) are not read. */
const changeFields = {
  provider_name: z.string().openapi({ description: 'An AOG name (`remote_aliyun_image-to-image`) or the provider\'s id or alias (`aliyun`, `dashscope`)' }),
  service_name: z.enum(serviceNames),
  service_source: z.enum(serviceSources).openapi({ description: 'Create: default remote; local is the embedded engine (nothing to store). Update: must be remote (only cloud providers have settings)' }),
  api_flavor: z.string().openapi({ description: 'aliyun (dashscope), tencent, stepfun or openai' }),
  flavor: z.string().openapi({ description: 'The listing\'s name for api_flavor, read the same way; when both are sent they must agree' }),
  auth_key: z.string().openapi({ description: 'JSON string, e.g. {"api_key":"sk-…"}, read as an install reads it; never returned' }),
  desc: z.string().max(maxDescriptionLength).openapi({ description: 'Shown as `desc` by the listing (default: the provider\'s display name)' }),
  url: z.string().openapi({ description: 'When given, the endpoint Atelier calls (what aog install sends); another endpoint is base_url in auth_key' }),
};

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
 * AOG's service_provider routes: the listing and its `/detail` (one code path; never a key), and the changes of a
 * provider's stored settings: create (as an install stores them), update, remove.
 */
export function registerAogServiceProviderRoutes(app: AtelierApp, context: AppContext): void {
  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Configured providers (keys are never included)',
    description: `${filterDescription} Nothing matching gives an empty list.`,
    request: filterRequest,
    responses: { 200: { description: 'Providers', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 415) },
  }), async (http) => {
    const filters = await readAogListFilters(http, serviceProviderFilterNames);
    return http.json(aogEnvelope(...serviceProviderSuccess, matchingServiceProviders(context, filters)));
  });

  defineRoute(app, createRoute({
    method: 'get', path: '/aog/v0.2/service_provider/detail', tags: ['AOG control plane'], summary: 'One configured provider (its key is never included)',
    description: `${filterDescription} Answers the first entry the listing would give for the same filters, as \`data\`; none: 404 \`provider_not_found\` (40010).`,
    request: filterRequest,
    responses: { 200: { description: 'The provider', content: { 'application/json': { schema: aogEnvelopeSchema } } }, ...errorResponses(400, 404, 415) },
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
    method: 'post', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Create a provider entry: store its key (as an install does) and description',
    description: 'AOG\'s CreateServiceProviderRequest, read as an install reads its provider fields; the settings are checked first and written to '
      + 'config.json (0600) only when valid, so a refused request (400) changes nothing. A provider already configured (listed by GET; by config.json or '
      + 'the environment): 409 `provider_already_exists` (AOG\'s 10009), nothing written. `service_source` local: nothing to store, answered as an install '
      + 'answers it. A Content-Type other than JSON: 415.',
    request: { body: { content: { 'application/json': { schema: z.object(changeFields).partial().required({ service_name: true }) } } } },
    responses: { 200: { description: 'Created', content: { 'application/json': { schema: changeAnswerSchema } } }, ...errorResponses(400, 403, 404, 409, 415) },
  }), async (http) => {
    const plan = readCreateServiceProviderRequest(await readJsonObject(http), context.catalog.definitions);
    const [businessCode, message] = serviceProviderSuccess;
    if (plan.kind === 'embedded') {
      return http.json(aogEnvelope(businessCode, `${message}; the embedded engine needs no settings, nothing was stored`, { provider_name: 'local', configured: true }));
    }
    const { provider, change } = plan;
    const { id } = provider.capabilities;
    if (context.catalog.hasSettings(id)) {
      const source = storedSettingsConfigure(provider, await readConfigFile(context.settings.dataDirectory))
        ? 'config.json holds its settings' : `the environment configures it: ${provider.capabilities.environment.join(', ')}`;
      throw new GatewayError('provider_already_exists', { provider: id, source });
    }
    await createServiceProviderEntry(context.settings.dataDirectory, provider, change, (file) => context.catalog.settingsWith(id, file));
    await context.reloadConfiguration();
    const configured = context.catalog.isConfigured(id);
    context.logger.info('provider created', { provider: id, configured });
    return http.json(aogEnvelope(businessCode, message, { provider_name: id, configured }));
  });

  defineRoute(app, createRoute({
    method: 'put', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Update a configured provider: a new key and/or description',
    description: 'AOG\'s UpdateServiceProviderRequest: `provider_name` picks a configured cloud provider; `auth_key` (merged over the stored settings, '
      + 'checked first) and `desc` change, and each one absent or "" keeps its stored value. `service_name`, `service_source`, `api_flavor` and `url` '
      + 'must agree with the provider when given. Unknown or unconfigured name: 404 `provider_not_found` (40010). A Content-Type other than JSON: 415.',
    request: { body: { content: { 'application/json': { schema: z.object(changeFields).partial().required({ provider_name: true }) } } } },
    responses: { 200: { description: 'Updated', content: { 'application/json': { schema: changeAnswerSchema } } }, ...errorResponses(400, 403, 404, 415) },
  }), async (http) => {
    const body = await readJsonObject(http);
    // Its settings, not whether it is in use: a PUT is the configuration change that puts a retired provider back.
    const isConfigured = (providerId: string) => context.catalog.hasSettings(providerId);
    const { provider, providerName, change } = readUpdateServiceProviderRequest(body, context.catalog.definitions, isConfigured);
    const { id } = provider.capabilities;
    // Checked again under config.json's lock: a DELETE may have removed the settings since the catalogue was read.
    const configuredAtWrite = await updateServiceProviderEntry(context.settings.dataDirectory, provider, change, {
      isConfiguredWith: (providers) => context.catalog.settingsWith(id, providers) !== undefined,
    });
    if (!configuredAtWrite) {
      throw providerNotConfigured(providerName, provider, context.catalog.definitions, isConfigured);
    }
    await context.reloadConfiguration();
    const configured = context.catalog.isConfigured(id);
    const changed = [...(change.settings === undefined ? [] : ['auth_key']), ...(change.description === undefined ? [] : ['desc'])];
    context.logger.info('provider updated', { provider: id, changed, configured });
    const [businessCode, message] = serviceProviderSuccess;
    return http.json(aogEnvelope(businessCode, changed.length === 0 ? `${message}; nothing to change was given` : message, { provider_name: id, configured }));
  });

  defineRoute(app, createRoute({
    method: 'delete', path: '/aog/v0.2/service_provider', tags: ['AOG control plane'], summary: 'Remove a provider\'s stored settings (its key) from config.json',
    description: 'Removes what config.json stores for the provider (its settings and description; written 0600, through the same checked write as an install) and applies it at once. '
      + 'Atelier keeps one set of settings per provider, so `remote_aliyun_image-to-image` and `remote_aliyun_image-to-video` both remove aliyun\'s. '
      + 'Environment variables are not touched: when they still configure the provider, the message says so and `data.configured` is true. '
      + 'Unknown name: 404 `provider_not_found` (40010); nothing stored: 404 `provider_settings_not_stored` (20009), nothing written. '
      + 'A removal that would leave the environment\'s part of the settings alone and invalid (Tencent\'s SecretId without the SecretKey config.json held): '
      + '400 `parameter_invalid` naming the variable, nothing written. '
      + 'A Content-Type other than JSON: 415 `request_content_type_unsupported` (40004), as for an install (none is accepted).',
    request: {
      query: z.object({ provider_name: z.string().optional().openapi({ description: 'The same name as a query string (wins over the body)' }) }),
      body: { required: false, content: { 'application/json': { schema: z.object({
        provider_name: z.string().openapi({ description: 'Provider id or alias (`aliyun`, `dashscope`) or AOG name (`remote_aliyun_image-to-image`)' }),
      }) } } },
    },
    responses: {
      200: { description: 'Removed', content: { 'application/json': { schema: changeAnswerSchema } } },
      ...errorResponses(400, 403, 404, 415),
    },
  }), async (http) => {
    // A change refuses a body it would have to guess at, like the install that stored the key; the GET listings
    // (reads) stay lenient.
    checkJsonContentType(http);
    const name = (await readAogListFilters(http, ['provider_name'])).provider_name;
    if (name === undefined) throw new GatewayError('parameter_missing', { parameter: 'provider_name' });
    const { provider } = resolveKnownProviderName(context.catalog.definitions, name);
    const { capabilities } = provider;
    // The embedded engine reads no settings, so config.json holds none to remove (an entry written there by hand is
    // never read); asking config.json whether it "still configures" the engine would always say yes.
    if (capabilities.kind === 'local') throw new GatewayError('provider_settings_not_stored', { provider: capabilities.id, state: configuredWithoutFile(capabilities) });
    const removed = await uninstallProvider(context.settings.dataDirectory, provider, context.catalog.definitions, (file) => context.catalog.settingsWith(capabilities.id, file));
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
