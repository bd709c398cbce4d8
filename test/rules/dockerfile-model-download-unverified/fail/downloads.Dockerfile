FROM ollama/ollama:0.6.8
RUN ollama serve & sleep 5 && ollama pull llama3.1:8b
FROM python:3.12-slim
RUN pip install --no-cache-dir "huggingface_hub[cli]==0.26.2" \
 && huggingface-cli download meta-llama/Llama-3.1-8B-Instruct --local-dir /models
RUN curl -fsSL -o /models/model.safetensors https://huggingface.co/org/model/resolve/main/model.safetensors
