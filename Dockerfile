# Multi-stage build: a static binary in a small non-root image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/treffpunkt ./cmd/treffpunkt

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/treffpunkt /treffpunkt
COPY --from=build /src/sources.yaml /sources.yaml
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/treffpunkt"]
CMD ["serve", "--addr", ":8080"]
