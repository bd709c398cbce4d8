FROM ghcr.io/ggml-org/llama.cpp:server-b4500
EXPOSE 8080
ENTRYPOINT ["/app/llama-server", "--host", "0.0.0.0", "--api-key-file", "/run/secrets/llama-key", "-m", "/models/model.gguf"]
