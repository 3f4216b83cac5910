package postgres_test

import (
	"testing"

	"github.com/ticketd/ticketd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.PostgresURL(t)
	storetest.Run(t, storetest.OpenPostgres)
}
