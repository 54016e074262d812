/**
 * The images the seeded world names, served by the simulator itself so that an `<img>` in a dev
 * frontend or a URL opened from GraphiQL shows something. The world's facts keep naming them
 * under `worldMediaBase` (its data, and test/simulator-world.test.ts, never change); a running
 * simulator answers them with that base swapped for its own loopback media origin. Each image is
 * a small PNG drawn from its path, so the same URL always gives the same picture.
 */
import { crc32, deflateSync } from 'node:zlib';
import { hashString } from './random.ts';
import { imageBase } from './world/catalogue.ts';
import type { World } from './world/index.ts';

/** The URL base the world's facts name their images under (a bucket the simulator cannot serve). */
export const worldMediaBase = imageBase;

/** The path prefix an image keeps under any base: `<base>/eachlabs-sim/<id>/<n>.png`. */
export const mediaPathPrefix = '/eachlabs-sim';

/**
 * Swaps the world's image base for `base` in serialised JSON. The bulk endpoint nests outputs as
 * JSON text inside strings; a URL has nothing JSON escapes, so one textual pass reaches every level.
 */
export function rebaseText(text: string, base: string): string {
  return base === worldMediaBase ? text : text.replaceAll(worldMediaBase, base);
}

/** The same for a JSON value (what `SimulatorData` hands to tests). */
export function rebaseJson<T>(value: T, base: string): T {
  if (base === worldMediaBase || value === null || value === undefined) return value;
  return JSON.parse(rebaseText(JSON.stringify(value), base)) as T;
}

export interface MediaAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

const imagePath = /^\/eachlabs-sim\/(?:predictions\/)?[0-9a-f-]{36}\/[a-z0-9]{1,16}\.png$/;

/** The world names this image: an output of the execution or prediction its path names holds its URL. */
function namesImage(world: World, pathname: string): boolean {
  if (!imagePath.test(pathname)) return false;
  const [, , first, second] = pathname.split('/');
  const url = `${worldMediaBase}${pathname.slice(mediaPathPrefix.length)}`;
  if (first === 'predictions') return JSON.stringify(world.modelExecutionsById.get(second ?? '')?.output ?? null).includes(url);
  const fact = world.executions.get(first ?? '');
  return fact !== undefined && fact.steps.some((step) => JSON.stringify(step.output).includes(url));
}

/** `GET`/`HEAD` of an image the world names: a PNG; anything else 404. Readable from any page. */
export function answerMedia(world: World, method: string, pathname: string): MediaAnswer {
  const cors = { 'access-control-allow-origin': '*' };
  if ((method !== 'GET' && method !== 'HEAD') || !namesImage(world, pathname)) {
    return { status: 404, headers: { ...cors, 'content-type': 'text/plain; charset=utf-8' }, body: Buffer.from('not found') };
  }
  const body = method === 'HEAD' ? Buffer.alloc(0) : pngFor(pathname);
  return { status: 200, headers: { ...cors, 'content-type': 'image/png', 'cache-control': 'public, max-age=86400' }, body };
}

const side = 128;

/** A `side`×`side` diagonal gradient between two colours taken from the path's hash. */
export function pngFor(pathname: string): Buffer {
  const hash = hashString(pathname);
  const from = colour(hash % 360);
  const to = colour((hash >>> 9) % 360);
  const rows = Buffer.alloc((side * 3 + 1) * side);
  for (let y = 0; y < side; y++) {
    const row = y * (side * 3 + 1);
    rows[row] = 0; // filter type None
    for (let x = 0; x < side; x++) {
      const t = (x + y) / (2 * (side - 1));
      for (let c = 0; c < 3; c++) rows[row + 1 + x * 3 + c] = Math.round(from[c]! + (to[c]! - from[c]!) * t);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits per channel, RGB, deflate, adaptive filtering, no interlace
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A saturated colour of hue `h` (degrees), as RGB. */
function colour(h: number): [number, number, number] {
  const k = (n: number) => (n + h / 30) % 12;
  const f = (n: number) => 0.5 - 0.45 * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [Math.round(255 * f(0)), Math.round(255 * f(8)), Math.round(255 * f(4))];
}
