FROM ubuntu:24.04
RUN if [ -f /etc/os-release ]; then . /etc/os-release && echo "$ID"; fi
COPPY a /b
