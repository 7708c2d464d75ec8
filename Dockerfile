# The flowctl image: the engine (`flowctl run --attach`, what `flowctl translate` deploys as
# flowctl-engine) and the built-in components (`flowctl component <name>`). Build it with
# `npm run image`, which tags flowctl:<package version>, the image translate uses by default.
# docs/deploy.md has the details.

ARG NODE_VERSION=20.20.2

# Build: every dependency, the Prisma client, server/ compiled into dist/.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts would build dist/ before the sources are here; the steps below do it.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY . .
RUN node scripts/prisma-generate.mjs && node scripts/dist.mjs

# Runtime: production dependencies and the compiled output only; no sources, no compiler.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /opt/flowctl
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /src/dist/ dist/
COPY bin/flowctl.mjs bin/
COPY scripts/dist-state.mjs scripts/
COPY proto/ proto/
COPY prisma/migrations/ prisma/migrations/
COPY examples/ examples/
# `flowctl` on PATH; the run database and relative file paths of components (/data) belong to node.
RUN ln -s /opt/flowctl/bin/flowctl.mjs /usr/local/bin/flowctl \
  && mkdir -p /var/lib/flowctl /data \
  && chown node:node /var/lib/flowctl /data
USER node
WORKDIR /var/lib/flowctl
# Control plane, a component's gRPC, health and metrics ports (the defaults translate uses).
EXPOSE 8080 50051 8088 9090
ENTRYPOINT ["flowctl"]
CMD ["--help"]
