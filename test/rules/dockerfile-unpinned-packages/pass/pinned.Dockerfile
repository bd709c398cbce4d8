FROM ubuntu:24.04
RUN apt-get install -y --no-install-recommends -o Dpkg::Options::=--force-confnew curl=8.5.0-2ubuntu10
RUN pip install --no-cache-dir -r requirements.txt && pip install --no-cache-dir . ./plugins/x torch==2.5.1
FROM alpine:3.20
RUN apk add --no-cache --virtual .build-deps gcc=13.2.1_git20240309-r0
