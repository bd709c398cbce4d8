FROM python:3.12-slim
ENV PIP_TRUSTED_HOST=pypi.internal NODE_TLS_REJECT_UNAUTHORIZED=0
RUN curl -k https://models.internal/llama.gguf -o /models/llama.gguf
RUN wget --no-check-certificate https://example.com/x.tar.gz
RUN pip install --index-url http://pypi.internal/simple vllm
RUN git config --global http.sslVerify false
RUN GIT_SSL_NO_VERIFY=1 git clone https://git.internal/models.git
RUN npm config set strict-ssl false
