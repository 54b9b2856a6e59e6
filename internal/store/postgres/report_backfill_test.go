package postgres_test

import (
	"testing"

	"github.com/lyceumhq/lyceum/internal/store/postgres"
	"github.com/lyceumhq/lyceum/internal/store/storetest"
)

func TestReportAggregatesBackfill(t *testing.T) {
	db := storetest.Postgres(t).(*postgres.DB)
	storetest.ReportBackfill(t, db, db.MigrateDownTo)
}
