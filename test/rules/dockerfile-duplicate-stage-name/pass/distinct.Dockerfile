FROM python:3.12-slim AS wheels
FROM golang:1.22 AS gobuild
FROM python:3.12-slim
