import { SettingsError } from '../config/read-settings.ts';
import { findProviderNamed } from '../providers/provider-catalog.ts';
import { providerDefinitions } from '../providers/registry.ts';
import type { ProviderCapabilities } from '../providers/spec/capabilities.ts';
import type { ServiceName } from '../providers/spec/generation-call.ts';

/** How tasks run, read once at start-up from the environment (see docs/architecture.md §Tasks). */
export interface TaskSettings {
  /**
   * Jobs in flight per canonical provider id, overriding each provider's default (`ATELIER_CONCURRENCY=local=2,aliyun=4`;
   * aliases such as `dashscope` are stored under their provider's id, which is what the scheduler looks up).
   */
  concurrency: Record<string, number>;
  /** `start` attempts per task, first included (`ATELIER_TASK_ATTEMPTS`, 1–10, default 3). */
  maxAttempts: number;
  /** Deadline per task from creation (`ATELIER_TASK_DEADLINE_IMAGE_SECONDS` default 900, `…_VIDEO_SECONDS` default 1800). */
  deadlineMilliseconds: Record<ServiceName, number>;
  /** Caps provider poll intervals (`ATELIER_MAX_POLL_INTERVAL_MS`; for fake providers in tests and development). */
  maxPollIntervalMilliseconds?: number;
  /** Webhook delivery attempts (`ATELIER_WEBHOOK_ATTEMPTS`, 1–20, default 6). */
  webhookAttempts: number;
}

/** A task setting with a bad value: start-up stops with a message naming the variable (no stack trace). */
export class TaskSettingsError extends SettingsError {
  override name = 'TaskSettingsError';
}

/** The providers whose ids and aliases `ATELIER_CONCURRENCY` may name. */
export type KnownProviders = readonly { readonly capabilities: Pick<ProviderCapabilities, 'id' | 'aliases'> }[];

/** @param providers the provider registry by default; tests may pass their own. */
export function readTaskSettings(env: Readonly<Record<string, string | undefined>>, providers: KnownProviders = providerDefinitions): TaskSettings {
  const settings: TaskSettings = {
    concurrency: parseConcurrency(env.ATELIER_CONCURRENCY, providers),
    maxAttempts: integer(env, 'ATELIER_TASK_ATTEMPTS', 3, 1, 10),
    deadlineMilliseconds: {
      'image-to-image': integer(env, 'ATELIER_TASK_DEADLINE_IMAGE_SECONDS', 900, 10, 86_400) * 1000,
      'image-to-video': integer(env, 'ATELIER_TASK_DEADLINE_VIDEO_SECONDS', 1800, 10, 86_400) * 1000,
    },
    webhookAttempts: integer(env, 'ATELIER_WEBHOOK_ATTEMPTS', 6, 1, 20),
  };
  if (env.ATELIER_MAX_POLL_INTERVAL_MS !== undefined && env.ATELIER_MAX_POLL_INTERVAL_MS !== '') {
    settings.maxPollIntervalMilliseconds = integer(env, 'ATELIER_MAX_POLL_INTERVAL_MS', 0, 1, 600_000);
  }
  return settings;
}

function integer(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, minimum: number, maximum: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < minimum || value > maximum) {
    throw new TaskSettingsError(`${name} must be an integer between ${minimum} and ${maximum} but received "${raw}"`);
  }
  return value;
}

/**
 * `local=2,dashscope=4` → `{ local: 2, aliyun: 4 }`: each name is a provider id or alias, matched as routing matches
 * `remote_service_provider` (`ProviderCatalog.findProvider`: case-insensitive) and stored under the canonical id. A
 * name that is no provider, or a provider named twice, is refused rather than ignored.
 */
function parseConcurrency(raw: string | undefined, providers: KnownProviders): Record<string, number> {
  const limits: Record<string, number> = {};
  if (!raw?.trim()) return limits;
  for (const part of raw.split(',')) {
    const match = /^\s*([\w.-]+)\s*=\s*(\d+)\s*$/.exec(part);
    const limit = match ? Number(match[2]) : NaN;
    if (!match || limit < 1 || limit > 1000) {
      throw new TaskSettingsError(`ATELIER_CONCURRENCY must look like "local=2,aliyun=4" (limits 1–1000) but received "${raw}"`);
    }
    const name = match[1];
    const id = findProviderNamed(providers, name)?.capabilities.id;
    if (id === undefined) {
      const ids = providers.map((provider) => provider.capabilities.id).join(', ');
      throw new TaskSettingsError(`ATELIER_CONCURRENCY must name providers by id (${ids}) or alias (GET /v1/providers lists them) but "${name}" names none, in "${raw}"`);
    }
    if (Object.hasOwn(limits, id)) throw new TaskSettingsError(`ATELIER_CONCURRENCY must name each provider once but names ${id} twice, in "${raw}"`);
    limits[id] = limit;
  }
  return limits;
}
