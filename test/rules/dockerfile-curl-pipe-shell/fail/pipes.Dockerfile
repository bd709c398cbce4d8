FROM ubuntu:24.04
RUN apt-get update && apt-get install -y curl \
 && curl -fsSL https://ollama.com/install.sh | sh
RUN wget -qO- https://astral.sh/uv/install.sh | sudo bash -s -- --yes
RUN sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"
RUN curl -sSL https://example.com/setup.py | tee /tmp/setup.py | python3 -
