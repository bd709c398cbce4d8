FROM vllm/vllm-openai:v0.8.5
ENV TRUST_REMOTE_CODE=false
ENTRYPOINT ["vllm", "serve", "Qwen/Qwen2.5-0.5B", "--revision", "060db6499f32faf8b98477b0a26969ef7d8b9987", "--trust-remote-code=false"]
