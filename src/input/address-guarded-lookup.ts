import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';

/** `lookup` for `http.request`: Node calls it with these arguments. */
type LookupFunction = (
  name: string,
  options: { all?: boolean; family?: number },
  callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** A DNS lookup that refuses addresses, and the refusal it made (to report instead of the socket's error). */
export interface AddressGuard<Refusal extends Error> {
  /** The refusal of a literal IP host, known before any connection: reject with it at once. */
  literalRefusal: Refusal | undefined;
  /** Pass as `lookup` to `http.request` / `https.request`. */
  lookup: LookupFunction;
  /** The refusal the lookup made, if it made one; the request then fails with a socket error to replace by this. */
  refusal(): Refusal | undefined;
}

/**
 * Guards one outgoing request to an untrusted URL: `refuse` judges every address the host name resolves to, inside
 * the socket's own DNS lookup, so the address that is checked is the address that is connected to (no DNS-rebinding
 * window). Every address must pass — otherwise a name with one public and one private record could be steered. Used
 * by url inputs and webhooks alike.
 */
export function guardAddresses<Refusal extends Error>(url: URL, refuse: (address: string) => Refusal | undefined): AddressGuard<Refusal> {
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  let refusal: Refusal | undefined;
  const lookup: LookupFunction = (name, options, callback) => {
    dnsLookup(name, { all: true, family: options.family ?? 0 }, (error, addresses) => {
      if (error) return callback(error, []);
      for (const entry of addresses) {
        refusal = refuse(entry.address);
        if (refusal) return callback(Object.assign(new Error(refusal.message), { code: 'EATELIERFORBIDDEN' }), []);
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0].address, addresses[0].family);
    });
  };
  return { literalRefusal: isIP(hostname) ? refuse(hostname) : undefined, lookup, refusal: () => refusal };
}
