FROM python:3.12-slim AS base
RUN useradd -u 10001 app
USER 10001:10001
FROM base
CMD ["python", "serve.py"]
