# syntax=docker/dockerfile:1
# Execution Gateway over live upstreams (`npm run start:live`). README "Docker" has the `docker run` line and the environment.

FROM node:24-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies only, from the lockfile; the image's own Node 24 runs the code, so the
# `node` devDependency is not needed (and no dependency needs an install script at run time).
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

FROM node:24-slim
# Every interface: inside a container, loopback would be unreachable from the published port.
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
# Owned by root and only readable by the runtime user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY src ./src
# The trusted-documents manifest of client/operations.graphql (TRUSTED_DOCUMENTS names another).
COPY client/gql/persisted-documents.json ./client/gql/
USER node
EXPOSE 4000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||4000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# npm forwards SIGTERM to the gateway, which drains in-flight requests before it exits.
CMD ["npm", "run", "start:live"]
