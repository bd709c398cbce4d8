ARG CUDA=12.4.1
ARG IMAGE
FROM nvidia/cuda:${CUDA}-runtime-ubuntu22.04 AS base
FROM base AS app
FROM ${IMAGE} AS external
FROM scratch AS empty
FROM ollama/ollama@sha256:8f7e1b5c3f0c5b2e4d6a9f1e3c5b7d9a1f3e5c7b9d1a3f5e7c9b1d3f5a7c9e1b
