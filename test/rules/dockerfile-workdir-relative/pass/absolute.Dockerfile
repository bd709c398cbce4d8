FROM python:3.12-slim
ARG APP_DIR=/srv/app
WORKDIR /app
WORKDIR ${APP_DIR}
WORKDIR $HOME/work
