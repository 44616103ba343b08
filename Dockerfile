# syntax=docker/dockerfile:1
#
# The workspace server as an image: `docker build -t systems-leadership-workspace .`
# (or `docker compose -f deploy/compose.yaml up --build` for PostgreSQL, Redis, two instances
# and a proxy). One port (8787) carries the app, the REST API and WebSocket sync.
#
# Without DATABASE_URL the data lives in SQLite under /data (a volume); with it, in PostgreSQL.

# ---- build: install everything, build client and server bundle, drop dev dependencies -------
FROM node:20-bookworm-slim AS build

# better-sqlite3 is a native addon: its install downloads a prebuilt binary when there is one
# for this Node and architecture, and otherwise compiles it, which needs these.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY package.json package-lock.json ./
# `npm ci` installs exactly the lock file. If the lock file was written by an npm that left out
# other platforms' optional packages, `npm ci` refuses it as out of sync (see .ci/run): then
# fall back to `npm install`, which still installs the locked versions.
RUN npm ci --no-audit --no-fund \
 || { echo "npm ci refused the lock file; falling back to npm install" >&2; \
      npm install --no-audit --no-fund; }

COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ---------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

ENV NODE_ENV=production \
    PORT=8787 \
    HOST=0.0.0.0 \
    DATA_DIR=/data

WORKDIR /app

# What the server reads at run time:
#  - package.json: server/paths.ts finds the project root by it (and its name);
#  - dist/: the built client (dist/client) and the server bundle (dist/server/index.js);
#  - node_modules/: production dependencies (the bundle leaves packages external);
#  - shared/map/fixtures: the worked example's map (DEMO=true reads it through projectFile).
# server/, shared/ and tsconfig.json also make the operator CLI, which is not bundled, runnable
# in the container from source through tsx (a production dependency):
#   docker compose exec workspace-1 node --import tsx server/cli.ts user list
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/shared ./shared
COPY --from=build --chown=node:node /app/server ./server
COPY --from=build --chown=node:node /app/tsconfig.json ./tsconfig.json

# The official image's unprivileged `node` user (uid 1000) owns the data folder, so a new
# volume mounted there is writable.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8787

# Liveness only (the process answers HTTP); the proxy checks readiness (/api/ready) itself.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8787) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node is PID 1 here: server/index.ts handles SIGTERM (closes sockets, flushes, exits within
# 10 s), so `docker stop` shuts it down cleanly.
CMD ["node", "--enable-source-maps", "dist/server/index.js"]
