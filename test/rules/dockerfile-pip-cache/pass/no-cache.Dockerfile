FROM python:3.12-slim AS build
RUN pip wheel -w /wheels vllm==0.8.5 && pip install build
FROM python:3.12-slim
RUN pip install --no-cache-dir torch==2.5.1
RUN --mount=type=cache,target=/root/.cache/pip pip install transformers==4.46.0
ENV PIP_NO_CACHE_DIR=1
RUN pip install accelerate==1.1.0
