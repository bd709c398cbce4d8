FROM python:3.12-slim
HEALTHCHECK NONE
CMD ["python", "serve.py"]
