FROM python:3.12-slim
RUN mkdir -p /scratch && chmod 1777 /scratch && chmod 755 /app && chmod u+w,o-w /app
COPY --chmod=755 entrypoint.sh /entrypoint.sh
COPY --chown=10001:10001 --chmod=640 config.yaml /app/config.yaml
