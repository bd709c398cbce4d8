FROM python:3.12-slim
ARG UID
USER ${UID}
CMD ["python", "serve.py"]
