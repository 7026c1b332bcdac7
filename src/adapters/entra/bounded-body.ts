// An HTTP answer's body read up to a limit: a token endpoint or Graph answer of megabytes (an
// endless body, a forged token) is not read into memory. Shared by the token source and the
// Graph transport.
import type { Response as UndiciResponse } from 'undici';

/** The body's bytes, read up to `limit`; undefined past it (Content-Length or bytes read), the rest not read. */
export async function readBodyUpTo(response: UndiciResponse, limit: number): Promise<Buffer | undefined> {
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (!response.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = value as Uint8Array;
    total += chunk.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
