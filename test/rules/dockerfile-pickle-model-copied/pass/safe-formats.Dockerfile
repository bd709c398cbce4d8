FROM python:3.12-slim
COPY model.safetensors /models/
COPY llama-3.1-8b.Q4_K_M.gguf /models/
COPY firmware.bin /opt/device/
COPY requirements.txt /app/
