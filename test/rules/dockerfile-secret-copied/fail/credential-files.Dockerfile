FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json .env ./
COPY id_rsa /root/.ssh/id_rsa
ADD hf-token /root/.cache/huggingface/token
COPY . .
