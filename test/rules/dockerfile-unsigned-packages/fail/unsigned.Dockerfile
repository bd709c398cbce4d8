FROM ubuntu:24.04 AS cuda
RUN apt-get update && apt-get install -y --allow-unauthenticated cuda-toolkit-12-4
RUN echo "deb [trusted=yes] http://repo.internal/ubuntu noble main" > /etc/apt/sources.list.d/internal.list
FROM alpine:3.20 AS tools
RUN apk add --allow-untrusted /tmp/pkgs/*.apk
FROM rockylinux:9
RUN dnf install -y --nogpgcheck nvidia-driver
