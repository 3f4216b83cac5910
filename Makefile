.PHONY: test lint ci run

run:
	go run ./cmd/ticketd

test:
	go test -race -count=1 ./...

lint:
	go vet ./...
	test -z "$$(gofmt -l $$(git ls-files '*.go'))"
	staticcheck ./...

ci:
	bash .ci/run
