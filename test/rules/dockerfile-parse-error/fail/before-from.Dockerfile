ARG PYTHON=3.12
RUN echo "no stage yet"
FROM python:${PYTHON}-slim
