/**
 * Serves GraphiQL's scripts and styles from the installed `@graphql-yoga/graphiql` package
 * instead of a CDN, so GraphiQL works on machines without internet access. Where the package
 * is not installed (production images), yoga's CDN page is used unchanged.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize, sep } from 'node:path';
import { type GraphiQLOptions, type Plugin, renderGraphiQL } from 'graphql-yoga';

const assetsPath = '/graphiql/assets/';
const cdnPrefix = /https:\/\/unpkg\.com\/@graphql-yoga\/graphiql@[^/]+\/dist\//g;
const contentTypes: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

function findDist(): string | null {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@graphql-yoga/graphiql/package.json')), 'dist');
  } catch {
    return null;
  }
}

const dist = findDist();

/** yoga's GraphiQL page, pointed at our own asset route when the package is installed. */
export function renderLocalGraphiQL(options: GraphiQLOptions): string {
  const html = renderGraphiQL(options);
  return dist ? html.replace(cdnPrefix, assetsPath).replace(/<link rel=icon href=[^>]*>/, '') : html;
}

export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (!dist || !url.pathname.startsWith(assetsPath)) return;
      const relative = decodeURIComponent(url.pathname.slice(assetsPath.length));
      const file = normalize(join(dist, relative));
      const type = contentTypes[file.slice(file.lastIndexOf('.'))];
      // Only files inside the package's dist folder, only scripts and styles.
      if (!file.startsWith(dist + sep) || !type) {
        endResponse(new fetchAPI.Response('Not found', { status: 404 }));
        return;
      }
      try {
        const body = await readFile(file);
        endResponse(
          new fetchAPI.Response(body, {
            headers: { 'content-type': type, 'cache-control': 'public, max-age=86400' },
          }),
        );
      } catch {
        endResponse(new fetchAPI.Response('Not found', { status: 404 }));
      }
    },
  };
}
