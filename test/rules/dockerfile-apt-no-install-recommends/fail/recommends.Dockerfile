FROM ubuntu:24.04 AS build
RUN apt-get update && apt-get install -y build-essential
FROM ubuntu:24.04
RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*
