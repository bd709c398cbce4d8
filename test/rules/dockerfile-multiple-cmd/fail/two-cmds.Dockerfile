FROM python:3.12-slim
CMD ["python", "train.py"]
COPY serve.py /app/
CMD ["python", "/app/serve.py"]
