FROM vllm/vllm-openai:v0.8.5
ENV TRUST_REMOTE_CODE=true
RUN python3 -c "from transformers import AutoModel; AutoModel.from_pretrained('org/model', trust_remote_code=True)"
ENTRYPOINT ["python3", "-m", "vllm.entrypoints.openai.api_server", "--model", "deepseek-ai/DeepSeek-V3", "--trust-remote-code"]
