/** What `readCapped` needs of a body: undici's `BodyReadable`, or any Node readable. */
export interface ReadableBody extends AsyncIterable<Uint8Array> {
  destroy(): unknown;
}

/** The text of the first `cap` bytes; `truncated` when the body was longer (the rest is dropped). */
export async function readCapped(body: ReadableBody, cap: number): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer; // what undici and Node streams yield
    if (size + buffer.length > cap) {
      chunks.push(buffer.subarray(0, cap - size));
      body.destroy(); // the rest is not wanted; never leave a body unconsumed
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buffer);
    size += buffer.length;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
}
