package sqlite_test

import (
	"testing"

	"github.com/ticketd/ticketd/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, storetest.OpenSQLite)
}
