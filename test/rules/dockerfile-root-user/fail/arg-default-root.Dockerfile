FROM python:3.12-slim
ARG APP_USER=root
USER ${APP_USER}
CMD ["python", "serve.py"]
