# syntax=docker/dockerfile:1
#
# tongban container image.
#   docker build -t tongban .
#   docker run -p 3000:3000 -v tongban-data:/var/lib/tongban/data -v tongban-keys:/var/lib/tongban/keys tongban
# CLI inside a running container:
#   docker compose exec tongban node bin/tongban.js <command>

# ---- build: install everything, compile TypeScript, then drop the dev dependencies ----
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first, so this layer stays cached while only sources change.
# --ignore-scripts: the root `prepare` script would run `tsc` before the sources are copied in.
# (The dependencies' own install scripts are not needed here: @swc/core and @parcel/watcher are
# test-only, @scarf/scarf is usage telemetry.) --workspaces=false: the root package only, not the
# tools/lint workspace (ESLint and its TypeScript 6).
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund --workspaces=false --include-workspace-root

# Everything else (.dockerignore keeps out node_modules, dist, local data and keys, tests' output).
COPY . .
# prune keeps typescript (~30 MB with its native binary): it is also an optional peer of
# @nestjs/swagger, used only by that package's compile-time plugin, never by the service.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --workspaces=false --include-workspace-root \
 && rm -rf node_modules/typescript node_modules/@typescript node_modules/.bin/tsc node_modules/.bin/tsserver

# ---- runtime ----
FROM node:20-bookworm-slim
WORKDIR /app

ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/var/lib/tongban/data \
    KEYS_DIR=/var/lib/tongban/keys

# The state directories must exist in the image, owned by node with mode 0700: a fresh named
# volume mounted on them copies this ownership and mode, so the non-root process can write there.
RUN mkdir -p /var/lib/tongban/data /var/lib/tongban/keys \
 && chown -R node:node /var/lib/tongban \
 && chmod 0700 /var/lib/tongban/data /var/lib/tongban/keys

# Application files stay root-owned (read-only for the service user).
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/assets ./assets

USER node
VOLUME ["/var/lib/tongban/data", "/var/lib/tongban/keys"]
EXPOSE 3000

# No curl in slim images: use Node's built-in fetch.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# The service handles SIGTERM itself (graceful shutdown), so node can be PID 1.
ENTRYPOINT ["node", "dist/src/main.js"]
