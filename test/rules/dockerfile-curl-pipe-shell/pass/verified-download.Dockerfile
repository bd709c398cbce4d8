FROM ubuntu:24.04
RUN curl -fsSLo /tmp/install.sh https://ollama.com/install.sh \
 && echo "4d6c1b2e9f0a8d7c6b5a4e3f2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c  /tmp/install.sh" | sha256sum -c - \
 && sh /tmp/install.sh
RUN curl -fsSL https://example.com/release.json | jq -r .version > /version
