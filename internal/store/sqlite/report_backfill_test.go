package sqlite_test

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/store/sqlite"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestReportAggregatesBackfill(t *testing.T) {
	db := storetest.SQLite(t).(*sqlite.DB)
	storetest.ReportBackfill(t, db, db.MigrateDownTo)
}
