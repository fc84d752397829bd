# One image for the API, the workers and the simulators; docker-compose.yml picks the command.
# Node 24: the active LTS (Node 20 reached its end of life in April 2026).
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
# Everything the processes run; .dockerignore leaves out tests, benchmarks, the local stack and data.
COPY . .
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
