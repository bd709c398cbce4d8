ARG NGC_API_KEY=nvapi-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789
FROM nvcr.io/nvidia/pytorch:24.08-py3
RUN echo building
