/**
 * What the AOG notebooks do over HTTP, shared by the end-to-end tests that replay them: post a JSON payload to an
 * AOG service route and read the answer, download the URLs a success names, and list the boxes of an MP4.
 */

/** An AOG service answer: the HTTP status and the parsed JSON body. */
export interface AogAnswer {
  status: number;
  // The notebooks read loosely typed JSON (business_code, data.url, id, data); the tests do the same.
  body: Record<string, any>;
}

/** `requests.post(f"{base}/aog/v0.2/services/{service}", json=payload)` and its JSON answer. */
export async function callAogService(baseUrl: string, service: 'image-to-image' | 'image-to-video', payload: Record<string, unknown>): Promise<AogAnswer> {
  const response = await fetch(`${baseUrl}/aog/v0.2/services/${service}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), signal: AbortSignal.timeout(300_000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

/** Downloads one URL the way the notebooks do (a plain GET) and returns the bytes; fails on a non-200 answer. */
export async function downloadBytes(url: string): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

/** Top-level MP4 boxes in order, e.g. ['ftyp', 'moov', 'mdat']. */
export function topLevelBoxes(bytes: Buffer): string[] {
  const boxes: string[] = [];
  for (let offset = 0; offset + 8 <= bytes.length;) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.subarray(offset + 4, offset + 8).toString('latin1');
    if (size === 1) size = Number(bytes.readBigUInt64BE(offset + 8));
    if (size < 8) break;
    boxes.push(type);
    offset += size;
  }
  return boxes;
}
