FROM python:3.12-slim AS build
RUN pip wheel --no-cache-dir -w /wheels .
FROM golang:1.22 AS Build
RUN go build ./...
FROM python:3.12-slim
COPY --from=build /wheels /wheels
