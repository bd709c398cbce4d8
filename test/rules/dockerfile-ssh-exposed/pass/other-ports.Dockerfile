FROM nvcr.io/nvidia/pytorch:24.08-py3
EXPOSE 2222 22/udp 8000
