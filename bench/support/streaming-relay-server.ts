/**
 * The least a gateway in front of DashScope can do, bench:gateway's floor path: a plain node:http server that streams
 * each request body to the fake DashScope as it arrives (no parsing, decoding, hashing or storage), polls the task
 * every millisecond until it ends, downloads the result and answers with its bytes. Run as a child process, like
 * Atelier (streaming-relay.ts starts it). Prints `relay listening on <url>`. Environment: RELAY_UPSTREAM (the fake's
 * base URL).
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const upstream = new URL(process.env.RELAY_UPSTREAM ?? '');

function readAll(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

async function getJson(url: string, authorization: string): Promise<{ output: { task_status: string; results?: Array<{ url: string }> } }> {
  const response = await fetch(url, { headers: { authorization } });
  return (await response.json()) as { output: { task_status: string; results?: Array<{ url: string }> } };
}

const server = createServer((incoming, answer) => {
  const authorization = String(incoming.headers.authorization);
  const submit = request(new URL(`${upstream.pathname}/services/aigc/image2image/image-synthesis`, upstream), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': String(incoming.headers['content-length']),
      authorization,
      'x-dashscope-async': 'enable',
    },
  }, async (submitted) => {
    try {
      const { output } = JSON.parse((await readAll(submitted)).toString()) as { output: { task_id: string } };
      for (;;) {
        await sleep(1);
        const polled = await getJson(`${upstream.href}/tasks/${output.task_id}`, authorization);
        if (polled.output.task_status !== 'SUCCEEDED') continue;
        const result = Buffer.from(await (await fetch(polled.output.results![0].url)).arrayBuffer());
        answer.writeHead(200, { 'content-type': 'image/png', 'content-length': String(result.length) }).end(result);
        return;
      }
    } catch (error) {
      answer.writeHead(502).end(String(error));
    }
  });
  incoming.pipe(submit);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`relay listening on http://127.0.0.1:${address.port}`);
});
