FROM ubuntu:24.04
RUN apt-get install -y --no-install-recommends curl=8.5.0-2ubuntu10 git
RUN pip install --no-cache-dir torch transformers==4.46.0
FROM alpine:3.20
RUN apk add --no-cache curl
