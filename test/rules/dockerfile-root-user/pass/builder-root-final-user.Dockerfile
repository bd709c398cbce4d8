# The builder runs as root; the image it produces does not.
FROM golang:1.22 AS builder
WORKDIR /src
COPY . .
RUN go build -o /out/server ./cmd/server

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=builder /out/server /server
USER 10001
ENTRYPOINT ["/server"]
