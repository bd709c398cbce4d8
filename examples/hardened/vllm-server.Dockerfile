# The image of insecure/vllm-server.Dockerfile, hardened: a base pinned by digest, the Hub token
# only as a BuildKit secret during the build, the model revision pinned, no remote code,
# safetensors weights, a non-root user, an API key required at run time (VLLM_API_KEY from a
# Kubernetes Secret), and a health check.
FROM vllm/vllm-openai:v0.9.1@sha256:2c7e9d1f0a3b5c8e6d4f2a1b9c7e5d3f1a0b8c6e4d2f0a9b7c5e3d1f9a7b5c3e

ENV NVIDIA_DRIVER_CAPABILITIES=compute,utility

RUN --mount=type=secret,id=hf_token \
    pip install --no-cache-dir huggingface_hub==0.33.2 \
    && HF_TOKEN="$(cat /run/secrets/hf_token)" huggingface-cli download meta-llama/Llama-3.1-8B-Instruct \
       --revision 0e9e39f249a16976918f6564b8830bc894c89659 --local-dir /models/llama

COPY adapter/model.safetensors /models/adapter/model.safetensors

RUN useradd --uid 10001 --create-home vllm
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]
ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server"]
CMD ["--model", "/models/llama", "--port", "8000"]
