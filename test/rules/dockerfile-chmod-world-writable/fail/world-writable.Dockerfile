FROM python:3.12-slim
RUN mkdir -p /models && chmod -R 777 /models
COPY --chmod=666 config.yaml /app/config.yaml
RUN chmod a+w /app/config.yaml
