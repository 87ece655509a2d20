import type { Context } from 'hono';
import { GatewayError, describeReceived } from '../errors/gateway-error.ts';
import { isAbsent } from './aog-absent-value.ts';
import { checkJsonContentType, parseJsonObject } from './parse-json-body.ts';
import { readBodyBytes } from './read-body-bytes.ts';

/**
 * The filters of an AOG list route: the query string when it names any of `names`, else the JSON body AOG's client
 * sends on the GET (aog-compat §9). A filter that is absent, `""` or `null` (Go clients send `""` for "all") is left
 * out; anything else but a string is refused rather than ignored. A body declared as another type than JSON is refused
 * as every JSON body is (none is accepted); a GET without a body, or whose filters the query string gives, reads none.
 *
 * @throws GatewayError `parameter_invalid` naming the filter; `request_body_invalid_json` for a body that is not a JSON
 *   object; `request_content_type_unsupported`
 */
export async function readAogListFilters<Name extends string>(http: Context, names: readonly Name[]): Promise<Partial<Record<Name, string>>> {
  const query = http.req.query();
  const fromQuery = names.some((name) => Object.hasOwn(query, name));
  let source: Record<string, unknown> = query;
  if (!fromQuery) {
    const bytes = await readBodyBytes(http);
    if (bytes.toString('latin1').trim() !== '') {
      checkJsonContentType(http);
      source = parseJsonObject(bytes);
    } else {
      source = {};
    }
  }
  const filters: Partial<Record<Name, string>> = {};
  for (const name of names) {
    const value = Object.hasOwn(source, name) ? source[name] : undefined;
    if (isAbsent(value)) continue;
    if (typeof value !== 'string') throw new GatewayError('parameter_invalid', { parameter: name, expected: 'a string', received: describeReceived(value) });
    filters[name] = value;
  }
  return filters;
}
