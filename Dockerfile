# One image for the API, the worker and the simulators; docker-compose.yml picks the command.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm install --omit=dev --no-audit --no-fund
COPY config ./config
COPY codec ./codec
COPY domain ./domain
COPY workflows ./workflows
COPY activities ./activities
COPY stores ./stores
COPY api ./api
COPY vision ./vision
COPY worker ./worker
COPY simulators ./simulators
USER node
CMD ["node", "--import", "tsx", "api/main.ts"]
