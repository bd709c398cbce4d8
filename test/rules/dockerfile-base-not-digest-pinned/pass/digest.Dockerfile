FROM python:3.12-slim@sha256:8f7e1b5c3f0c5b2e4d6a9f1e3c5b7d9a1f3e5c7b9d1a3f5e7c9b1d3f5a7c9e1b AS base
FROM base
FROM scratch
