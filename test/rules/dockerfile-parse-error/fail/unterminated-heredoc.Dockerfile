FROM ubuntu:24.04
RUN <<SCRIPT
apt-get update
apt-get install -y --no-install-recommends curl
