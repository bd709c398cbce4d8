FROM vllm/vllm-openai:v0.8.5
ENV HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456789
ARG OPENAI_API_KEY
ENV MODEL=meta-llama/Llama-3.1-8B-Instruct \
    WANDB_API_KEY=0123456789abcdef0123456789abcdef01234567
