FROM golang:1.22 AS builder
RUN go build -o /out/app .
FROM alpine:3.20 AS certs
COPY --from=runtime /etc/passwd /etc/passwd
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=bulder /out/app /app
COPY --from=runtime /app /app2
