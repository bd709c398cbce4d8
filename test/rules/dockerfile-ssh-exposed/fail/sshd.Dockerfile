FROM nvcr.io/nvidia/pytorch:24.08-py3
EXPOSE 8888 22/tcp
EXPOSE 20-25
