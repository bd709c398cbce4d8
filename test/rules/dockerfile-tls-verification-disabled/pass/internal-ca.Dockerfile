FROM python:3.12-slim
COPY internal-ca.crt /usr/local/share/ca-certificates/
RUN update-ca-certificates
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt NODE_TLS_REJECT_UNAUTHORIZED=1
RUN pip install --no-cache-dir --index-url https://pypi.internal/simple vllm==0.8.5
RUN curl -fsSL -o /tmp/x https://example.com/x
RUN git -c http.sslCAInfo=/etc/ssl/certs/ca-certificates.crt clone https://git.internal/models.git
