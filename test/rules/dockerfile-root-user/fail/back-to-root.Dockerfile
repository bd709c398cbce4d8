FROM nvidia/cuda:12.4.1-runtime-ubuntu22.04
RUN useradd -u 10001 app
USER app
RUN echo prepared
USER root
CMD ["python3", "serve.py"]
