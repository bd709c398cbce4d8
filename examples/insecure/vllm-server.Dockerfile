# A vLLM serving image the way many are written: a floating base, the Hub token baked into the
# image, remote code trusted, weights downloaded without a pinned revision, an installer piped
# into a shell, and the server left running as root on every interface.
ARG BASE=vllm/vllm-openai:latest
FROM ${BASE}

ENV HF_TOKEN=hf_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
ENV NVIDIA_DRIVER_CAPABILITIES=all

RUN apt-get update && apt-get install -y curl git \
    && curl -fsSL https://example.com/install-tools.sh | bash

RUN pip install huggingface_hub \
    && huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --local-dir /models/llama

COPY model.pt /models/adapter/model.pt

EXPOSE 8000 22
CMD python3 -m vllm.entrypoints.openai.api_server --model /models/llama --host 0.0.0.0 --trust-remote-code
