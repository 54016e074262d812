/**
 * Refuses request bodies over a byte limit with 413 before yoga reads them: by the declared
 * Content-Length, and by counting the bytes of a body sent without one (chunked).
 */
import type { Plugin } from 'graphql-yoga';

export function useRequestSizeLimit(maxBytes: number): Plugin {
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const tooLarge = () =>
        new fetchAPI.Response(
          JSON.stringify({ errors: [{ message: `Request body over ${maxBytes} bytes`, extensions: { code: 'BAD_USER_INPUT' } }] }),
          {
            status: 413,
            headers: { 'content-type': 'application/json' },
          },
        );
      const declared = Number(request.headers.get('content-length') ?? Number.NaN);
      if (declared > maxBytes) {
        endResponse(tooLarge());
        return;
      }
      // A GET or HEAD returns here too: the Fetch API never gives one a body.
      if (!Number.isNaN(declared) || !request.body) return;
      // No declared length: count while yoga reads; past the limit the read fails and yoga answers 400.
      let seen = 0;
      const counted = request.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            seen += chunk.byteLength;
            if (seen > maxBytes) controller.error(new Error(`Request body over ${maxBytes} bytes`));
            else controller.enqueue(chunk);
          },
        }),
      );
      Object.defineProperty(request, 'body', { value: counted });
    },
  };
}
