/**
 * OutputItem: the typed view of an output beside its JSON, so a client's codegen sees text,
 * images, files and structured values instead of `unknown`. The upstreams give outputs as a string
 * (text, or a URL), a list of them, or an object; an image or file URL's content type comes from
 * the upstream when it names one (`{url, content_type}`), else from the URL's extension.
 */
import { builder } from './builder.ts';

export type OutputItem =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'image'; readonly url: string; readonly contentType: string | null }
  | { readonly kind: 'file'; readonly url: string; readonly contentType: string | null }
  | { readonly kind: 'json'; readonly value: unknown };

const typeByExtension: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  svg: 'image/svg+xml',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
  flac: 'audio/flac',
  pdf: 'application/pdf',
  json: 'application/json',
  txt: 'text/plain',
  csv: 'text/csv',
  zip: 'application/zip',
  glb: 'model/gltf-binary',
};

const webUrl = /^https?:\/\/\S+$/i;
const dataUrl = /^data:([a-z]+\/[a-z0-9.+-]+)[;,]/i;

/** The content type a URL's path ends in, if it is one we know. */
function typeOfUrl(url: string): string | null {
  const data = dataUrl.exec(url);
  if (data) return data[1]!.toLowerCase();
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return null;
  }
  const extension = /\.([a-z0-9]{1,5})$/i.exec(path)?.[1]?.toLowerCase();
  return extension ? (typeByExtension[extension] ?? null) : null;
}

function linked(url: string, upstreamType: string | null): OutputItem {
  const contentType = upstreamType ?? typeOfUrl(url);
  return contentType?.startsWith('image/') ? { kind: 'image', url, contentType } : { kind: 'file', url, contentType };
}

/** An object that names a file the way model APIs do: `{url, content_type}` (or `contentType`, `mime_type`). */
function namedFile(value: Record<string, unknown>): OutputItem | null {
  const { url } = value;
  if (typeof url !== 'string' || !webUrl.test(url)) return null;
  const named = [value['content_type'], value['contentType'], value['mime_type'], value['mimeType']].find(
    (type) => typeof type === 'string' && type !== '',
  );
  return linked(url, (named as string | undefined)?.toLowerCase() ?? null);
}

function itemOf(value: unknown): OutputItem | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    const text = value.trim();
    return webUrl.test(text) || dataUrl.test(text) ? linked(text, null) : { kind: 'text', text: value };
  }
  if (typeof value === 'object' && !Array.isArray(value)) return namedFile(value as Record<string, unknown>) ?? { kind: 'json', value };
  return { kind: 'json', value };
}

/** The typed items of an output: one per element of a list, else one; null when there is no output. */
export function outputItemsOf(output: unknown): OutputItem[] | null {
  if (output === null || output === undefined) return null;
  const values = Array.isArray(output) ? output : [output];
  return values.flatMap((value) => itemOf(value) ?? []);
}

const TextOutput = builder.objectRef<Extract<OutputItem, { kind: 'text' }>>('TextOutput').implement({
  description: 'Text a step or model produced.',
  fields: (t) => ({ text: t.exposeString('text', { nullable: false }) }),
});

const ImageOutput = builder.objectRef<Extract<OutputItem, { kind: 'image' }>>('ImageOutput').implement({
  description: 'An image, by URL.',
  fields: (t) => ({
    url: t.exposeString('url', { nullable: false }),
    contentType: t.exposeString('contentType', { description: "As the upstream named it, else from the URL's extension." }),
  }),
});

const FileOutput = builder.objectRef<Extract<OutputItem, { kind: 'file' }>>('FileOutput').implement({
  description: 'Any other file (video, audio, document), by URL.',
  fields: (t) => ({
    url: t.exposeString('url', { nullable: false }),
    contentType: t.exposeString('contentType', {
      description: "As the upstream named it, else from the URL's extension; null when neither says.",
    }),
  }),
});

const JsonOutput = builder.objectRef<Extract<OutputItem, { kind: 'json' }>>('JsonOutput').implement({
  description: 'A structured value (an object, a number, a boolean).',
  fields: (t) => ({ value: t.field({ type: 'JSON', nullable: false, resolve: (item) => item.value }) }),
});

const typenames = { text: 'TextOutput', image: 'ImageOutput', file: 'FileOutput', json: 'JsonOutput' } as const;

export const OutputItem = builder.unionType('OutputItem', {
  description: 'One item of an output, typed: a list output (several images) has one per element.',
  types: [TextOutput, ImageOutput, FileOutput, JsonOutput],
  resolveType: (item) => typenames[item.kind],
});
