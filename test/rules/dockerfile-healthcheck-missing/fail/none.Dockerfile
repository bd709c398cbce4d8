FROM vllm/vllm-openai:v0.8.5
ENTRYPOINT ["vllm", "serve", "Qwen/Qwen2.5-0.5B"]
