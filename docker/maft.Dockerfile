# maft's Node app: the workers (`node dist/cli/main.js worker`) and the codec server
# (`node dist/cli/main.js codec-server`). Build from the repository root:
#   docker build -f docker/maft.Dockerfile -t maft:local .
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# `npm install`, as scripts/setup.sh does: npm's `ci` rejects a lock file that lists only one
# platform's optional @swc/core binaries.
RUN npm install --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY core core
COPY workflows workflows
COPY activities activities
COPY workers workers
COPY cli cli
COPY simulator simulator
COPY bench bench
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:20.20.2-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY docker/worker-healthcheck.js docker/worker-healthcheck.js
# Directory mode's mount point (MAFT_ARTIFACTS=/maft/artifacts on a volume shared with the trainer; the
# compose file uses object storage instead), owned by uid 1000 as in the trainer image: a new volume
# takes this owner, so the worker (node) and the trainer (maft) can both write to it.
RUN mkdir -p /maft/artifacts && chown node:node /maft/artifacts
USER node
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["worker"]
