FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
COPY .env.example /app/.env.example
COPY src/ ./src/
