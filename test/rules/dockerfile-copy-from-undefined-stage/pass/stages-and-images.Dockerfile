FROM golang:1.22 AS Builder
RUN go build -o /out/app .
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=builder /out/app /app
COPY --from=0 /out/app /app2
COPY --from=busybox:1.36 /bin/busybox /busybox
COPY --from=ghcr.io/astral-sh/uv /uv /bin/uv
