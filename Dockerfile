# syntax=docker/dockerfile:1
# One image for the eight services: SERVICE (build arg, or env at run time) picks the one to run,
# e.g. docker run -e SERVICE=fraud upi-payments:local. Used by docker-compose.yml.
ARG NODE_VERSION=20

# --- build: all dependencies, compile TypeScript, then drop the dev dependencies --------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# no install scripts: nothing at run time needs them (pure-JS dependencies only)
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY libs libs
COPY apps apps
COPY tools tools
# the operator console (console/, built by Vite into dist/console), served by the gateway
COPY console console
# --omit=optional too: @nestjs/platform-express (with Express) is both a dev dependency (the
# benchmark's naive peer) and an optional peer of Nest, and npm keeps such packages unless both are
# omitted. No service needs an optional dependency (the only other one is pg-cloudflare).
RUN npm run build && npm prune --omit=dev --omit=optional --ignore-scripts

# --- runtime: compiled code and production dependencies only ---------------------------------
# (no pino-pretty: a service started here with LOG_FORMAT=pretty refuses to start, exit 78)
FROM node:${NODE_VERSION}-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
# where the users service keeps the token signing key it makes when AUTH_PRIVATE_KEY is unset (a volume in docker-compose.yml)
RUN mkdir -p .cache/keys && chown -R node:node .cache && chmod 700 .cache/keys
ARG SERVICE
ENV SERVICE=${SERVICE}
USER node
# shell form so that ${SERVICE} is expanded; exec so that node (not sh) receives SIGTERM
CMD exec node dist/apps/${SERVICE:?set SERVICE to payments, fraud, notifications, inventory, analytics, users, ledger, disputes or gateway}/src/main.js
